using System.Net;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Infrastructure.Persistence.ProviderCache;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Api.Tests.Providers;

/// <summary>
/// Providers are kept in memory between calls (docs/adr/0014-provider-connection-cache.md): a change made through this
/// instance is seen by the next request, and one made anywhere else as soon as PostgreSQL's notification arrives.
/// </summary>
public sealed class ProviderCacheTests(SlowHeartbeatApiFactory factory) : IClassFixture<SlowHeartbeatApiFactory>
{
    /// <summary>How long a notification may take to arrive before a test gives up; in practice it takes milliseconds.</summary>
    private static readonly TimeSpan NotificationDeadline = TimeSpan.FromSeconds(10);

    private ProviderConnectionCache Cache => factory.Services.GetRequiredService<ProviderConnectionCache>();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_provider_disabled_through_the_API_refuses_the_very_next_chat()
    {
        var (client, organization, provider) = await CachedProviderAsync();

        // Without the notification: the instance that made the change must not wait for it.
        await WithoutNotificationsAsync(async () =>
        {
            using (var patch = await client.PatchJsonAsync($"{ChatApi.Route}/{provider}", new { status = "inactive" }))
            {
                await patch.ShouldSucceedAsync();
            }

            Cache.TryGet(Guid.Parse(provider), organization, out _).ShouldBeFalse();
            using var chat = await client.ChatAsync(provider, "Still there?");
            await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        });
    }

    [Fact]
    public async Task A_new_key_set_through_the_API_is_sent_on_the_very_next_chat()
    {
        var first = factory.Upstream.NewScenario();
        var second = factory.Upstream.NewScenario();
        var (client, _, provider) = await CachedProviderAsync(first);

        await WithoutNotificationsAsync(async () =>
        {
            using (var patch = await client.PatchJsonAsync($"{ChatApi.Route}/{provider}", new { apiKey = second.ApiKey }))
            {
                await patch.ShouldSucceedAsync();
            }

            using var chat = await client.ChatAsync(provider, "Which key?");
            await chat.ShouldSucceedAsync();
        });

        second.Requests.Count.ShouldBe(1);
        first.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_provider_disabled_by_someone_else_refuses_chats_once_the_change_is_heard()
    {
        var (client, organization, provider) = await CachedProviderAsync();

        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET status = 'inactive' WHERE id = '{provider}'");

        await WaitUntilAsync(() => !Cache.TryGet(Guid.Parse(provider), organization, out _));
        using var chat = await client.ChatAsync(provider, "Still there?");
        await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task A_provider_deleted_by_someone_else_is_not_found_once_the_change_is_heard()
    {
        var (client, organization, provider) = await CachedProviderAsync();

        await factory.Database.ExecuteAsync($"DELETE FROM llm_providers WHERE id = '{provider}'");

        await WaitUntilAsync(() => !Cache.TryGet(Guid.Parse(provider), organization, out _));
        using var chat = await client.ChatAsync(provider, "Still there?");
        await chat.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_cached_provider_is_served_without_its_row_being_read_again()
    {
        var (client, organization, provider) = await CachedProviderAsync();

        // A change nobody is told about: only the cache can still answer as before.
        await WithoutNotificationsAsync(async () =>
        {
            await factory.Database.ExecuteAsync($"UPDATE llm_providers SET status = 'inactive' WHERE id = '{provider}'");
            using var chat = await client.ChatAsync(provider, "From memory?");
            await chat.ShouldSucceedAsync();
        });

        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET updated_at = updated_at WHERE id = '{provider}'");
        await WaitUntilAsync(() => !Cache.TryGet(Guid.Parse(provider), organization, out _));
        using (var chat = await client.ChatAsync(provider, "And now?"))
        {
            await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        }
    }

    [Fact]
    public async Task Another_organization_asking_for_a_cached_provider_gets_404()
    {
        var (_, _, provider) = await CachedProviderAsync();

        using var chat = await factory.OwnerClient().ChatAsync(provider, "Mine now?");

        await chat.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task A_truncated_provider_table_empties_the_cache()
    {
        var (_, organization, provider) = await CachedProviderAsync();

        await factory.Database.ExecuteAsync("TRUNCATE llm_providers CASCADE");

        await WaitUntilAsync(() => !Cache.TryGet(Guid.Parse(provider), organization, out _));
        Cache.Count.ShouldBe(0);
    }

    [Fact]
    public async Task When_the_listening_connection_is_lost_the_cache_empties_and_serves_again_once_it_is_back()
    {
        var (client, organization, provider) = await CachedProviderAsync();
        var listener = await ListenerBackendAsync();

        await factory.Database.ExecuteAsync($"SELECT pg_terminate_backend({listener})");

        // The next attempt comes a second later: until then nothing is cached, and a change goes unheard but is read.
        await WaitUntilAsync(() => !Cache.IsServing);
        Cache.Count.ShouldBe(0);
        using (var chat = await client.ChatAsync(provider, "Anyone?"))
        {
            await chat.ShouldSucceedAsync();
        }

        Cache.Count.ShouldBe(0);
        await WaitUntilAsync(async () => await ListenerBackendAsync() is { } again && again != listener && Cache.IsServing);
        using (var chat = await client.ChatAsync(provider, "Back?"))
        {
            await chat.ShouldSucceedAsync();
        }

        Cache.TryGet(Guid.Parse(provider), organization, out _).ShouldBeTrue();
        await factory.Database.ExecuteAsync($"UPDATE llm_providers SET status = 'inactive' WHERE id = '{provider}'");
        await WaitUntilAsync(() => !Cache.TryGet(Guid.Parse(provider), organization, out _));
    }

    /// <summary>A provider of a new organization that has answered one chat, and is now in the cache.</summary>
    private async Task<(HttpClient Client, string Organization, string Provider)> CachedProviderAsync(UpstreamScenario? scenario = null)
    {
        await WaitUntilAsync(() => Cache.IsServing);
        var organization = ChatApi.NewOrganization();
        var client = factory.OwnerClient(organization);
        var provider = await client.AddProviderAsync(scenario ?? factory.Upstream.NewScenario());
        using (var chat = await client.ChatAsync(provider, "Hello"))
        {
            await chat.ShouldSucceedAsync();
        }

        Cache.TryGet(Guid.Parse(provider), organization, out _).ShouldBeTrue();
        return (client, organization, provider);
    }

    /// <summary>Runs <paramref name="action"/> with the trigger that notifies provider changes switched off.</summary>
    private async Task WithoutNotificationsAsync(Func<Task> action)
    {
        await factory.Database.ExecuteAsync("ALTER TABLE llm_providers DISABLE TRIGGER llm_providers_changed");
        try
        {
            await action();
        }
        finally
        {
            await factory.Database.ExecuteAsync("ALTER TABLE llm_providers ENABLE TRIGGER llm_providers_changed");
        }
    }

    private Task<int?> ListenerBackendAsync() =>
        factory.Database.ScalarAsync<int?>(
            $"SELECT pid FROM pg_stat_activity WHERE application_name = '{ProviderChangeListener.ApplicationName}' AND datname = current_database() ORDER BY backend_start DESC LIMIT 1");

    internal static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + NotificationDeadline;
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "The condition did not hold in time.");
            await Task.Delay(20, Token);
        }
    }
}

/// <summary>The listener checks every second that the triggers are there: without them nothing could be heard.</summary>
public sealed class ProviderCacheHeartbeatTests(FastHeartbeatApiFactory factory) : IClassFixture<FastHeartbeatApiFactory>
{
    private ProviderConnectionCache Cache => factory.Services.GetRequiredService<ProviderConnectionCache>();

    [Fact]
    public async Task With_the_triggers_switched_off_the_cache_stops_serving_and_every_change_is_read()
    {
        await ProviderCacheTests.WaitUntilAsync(() => Cache.IsServing);
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario());
        await factory.Database.ExecuteAsync("ALTER TABLE llm_providers DISABLE TRIGGER llm_providers_changed");
        try
        {
            await ProviderCacheTests.WaitUntilAsync(() => !Cache.IsServing);
            using (var chat = await client.ChatAsync(provider, "Hello"))
            {
                await chat.ShouldSucceedAsync();
            }

            Cache.Count.ShouldBe(0);
            await factory.Database.ExecuteAsync($"UPDATE llm_providers SET status = 'inactive' WHERE id = '{provider}'");
            using (var chat = await client.ChatAsync(provider, "Still there?"))
            {
                await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
            }
        }
        finally
        {
            await factory.Database.ExecuteAsync("ALTER TABLE llm_providers ENABLE TRIGGER llm_providers_changed");
        }

        await ProviderCacheTests.WaitUntilAsync(() => Cache.IsServing);
    }
}

/// <summary>With <c>ProviderCache__Enabled=false</c> every call reads its provider, and nobody listens.</summary>
public sealed class DisabledProviderCacheTests(NoProviderCacheApiFactory factory) : IClassFixture<NoProviderCacheApiFactory>
{
    [Fact]
    public async Task Chats_read_the_provider_every_time_and_no_connection_listens()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(factory.Upstream.NewScenario());
        using (var chat = await client.ChatAsync(provider, "Hello"))
        {
            await chat.ShouldSucceedAsync();
        }

        // Hidden from the triggers, yet seen at once: nothing was kept.
        await factory.Database.ExecuteAsync(
            $"""
            ALTER TABLE llm_providers DISABLE TRIGGER llm_providers_changed;
            UPDATE llm_providers SET status = 'inactive' WHERE id = '{provider}';
            ALTER TABLE llm_providers ENABLE TRIGGER llm_providers_changed;
            """);
        using (var chat = await client.ChatAsync(provider, "Still there?"))
        {
            await chat.ShouldFailWithAsync(HttpStatusCode.Conflict, "CONFLICT");
        }

        var cache = factory.Services.GetRequiredService<ProviderConnectionCache>();
        cache.IsServing.ShouldBeFalse();
        cache.Count.ShouldBe(0);
        (await factory.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM pg_stat_activity WHERE application_name = '{ProviderChangeListener.ApplicationName}' AND datname = current_database()"))
            .ShouldBe(0);
    }
}
