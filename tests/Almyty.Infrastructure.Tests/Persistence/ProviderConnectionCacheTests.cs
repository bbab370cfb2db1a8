using Almyty.Application.Providers;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Persistence.ProviderCache;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Almyty.Infrastructure.Tests.Persistence;

public sealed class ProviderConnectionCacheTests
{
    private const string Organization = "org-a";

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_provider_added_while_serving_is_found_for_its_organization()
    {
        var cache = ServingCache();
        var provider = Connection();

        cache.Add(provider, cache.Generation);

        cache.TryGet(provider.Id, Organization, out var found).ShouldBeTrue();
        found.ShouldBeSameAs(provider);
    }

    [Fact]
    public void Another_organization_misses()
    {
        var cache = ServingCache();
        var provider = Connection();
        cache.Add(provider, cache.Generation);

        cache.TryGet(provider.Id, "org-b", out _).ShouldBeFalse();
    }

    [Fact]
    public void Nothing_is_kept_or_served_before_changes_are_heard()
    {
        var cache = NewCache();
        var provider = Connection();

        cache.Add(provider, cache.Generation);

        cache.Count.ShouldBe(0);
        cache.StartServing();
        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_row_read_before_a_change_was_heard_is_not_kept()
    {
        var cache = ServingCache();
        var provider = Connection();
        var generationBeforeRead = cache.Generation;

        cache.Forget(provider.Id);
        cache.Add(provider, generationBeforeRead);

        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
        cache.Count.ShouldBe(0);
    }

    [Fact]
    public void A_forgotten_provider_misses()
    {
        var cache = ServingCache();
        var provider = Connection();
        cache.Add(provider, cache.Generation);

        cache.Forget(provider.Id);

        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
    }

    [Fact]
    public void Forgetting_all_empties_the_cache()
    {
        var cache = ServingCache();
        cache.Add(Connection(), cache.Generation);
        cache.Add(Connection(), cache.Generation);

        cache.ForgetAll();

        cache.Count.ShouldBe(0);
    }

    [Fact]
    public void An_entry_older_than_the_maximum_age_is_read_again()
    {
        var cache = ServingCache(maxAgeSeconds: 60);
        var provider = Connection();
        cache.Add(provider, cache.Generation);

        _time.Advance(TimeSpan.FromSeconds(59));
        cache.TryGet(provider.Id, Organization, out _).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(1));
        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
        cache.Count.ShouldBe(0);
    }

    [Fact]
    public void When_changes_can_no_longer_be_heard_the_cache_empties_and_stops_serving()
    {
        var cache = ServingCache();
        var provider = Connection();
        cache.Add(provider, cache.Generation);

        cache.StopServing();
        cache.Add(Connection(), cache.Generation);

        cache.IsServing.ShouldBeFalse();
        cache.Count.ShouldBe(0);
        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
    }

    [Fact]
    public void Serving_again_starts_empty()
    {
        var cache = ServingCache();
        var provider = Connection();
        cache.Add(provider, cache.Generation);

        cache.StartServing();

        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
    }

    [Fact]
    public void At_capacity_the_cache_starts_over()
    {
        var cache = ServingCache(capacity: 2);
        var first = Connection();
        var second = Connection();
        var third = Connection();
        cache.Add(first, cache.Generation);
        cache.Add(second, cache.Generation);

        cache.Add(third, cache.Generation);

        cache.Count.ShouldBe(1);
        cache.TryGet(third.Id, Organization, out _).ShouldBeTrue();
        cache.TryGet(first.Id, Organization, out _).ShouldBeFalse();
    }

    [Fact]
    public void A_change_heard_while_a_row_is_being_added_is_not_lost()
    {
        var time = new InterruptingTimeProvider();
        var cache = new ProviderConnectionCache(Options.Create(new ProviderCacheOptions()), time);
        cache.StartServing();
        var provider = Connection();
        var generationBeforeRead = cache.Generation;

        // Add reads the clock between its check of the generation and its write: the change is heard just then.
        time.Interruption = () => cache.Forget(provider.Id);
        cache.Add(provider, generationBeforeRead);

        time.Interrupted.ShouldBeTrue();
        cache.TryGet(provider.Id, Organization, out _).ShouldBeFalse();
        cache.Count.ShouldBe(0);
    }

    private ProviderConnectionCache ServingCache(int maxAgeSeconds = 60, int capacity = 100)
    {
        var cache = NewCache(maxAgeSeconds, capacity);
        cache.StartServing();
        return cache;
    }

    private ProviderConnectionCache NewCache(int maxAgeSeconds = 60, int capacity = 100) =>
        new(Options.Create(new ProviderCacheOptions { MaxAgeSeconds = maxAgeSeconds, Capacity = capacity }), _time);

    private static ProviderConnection Connection() =>
        new(
            Guid.CreateVersion7(),
            Organization,
            ProviderKind.OpenAi,
            "gpt-4o",
            new Uri("https://api.openai.com/v1"),
            ProviderConfiguration.Empty,
            ProviderStatus.Active,
            new EncryptedSecret("k1", [1, 2, 3]));

    /// <summary>Runs its interruption once, on the first reading of the clock after it is set.</summary>
    private sealed class InterruptingTimeProvider : TimeProvider
    {
        public Action? Interruption { get; set; }

        public bool Interrupted { get; private set; }

        public override long GetTimestamp()
        {
            if (Interruption is { } interruption)
            {
                Interruption = null;
                Interrupted = true;
                interruption();
            }

            return base.GetTimestamp();
        }
    }
}
