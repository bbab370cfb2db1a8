using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Sessions;

/// <summary>Who may do what with sessions, and that another organization's or another provider's session is a 404.</summary>
public sealed class SessionAccessTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("member")]
    [InlineData("admin")]
    [InlineData("owner")]
    public async Task Members_and_above_may_create_rename_and_delete_sessions(string role)
    {
        var organization = ChatApi.NewOrganization();
        var provider = await factory.OwnerClient(organization).AddProviderAsync(Upstream.NewScenario());
        using var client = factory.ClientFor(organization, role);

        var session = await client.CreateSessionAsync(provider, $"Made by a {role}");
        using (var renamed = await client.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Renamed", ["systemPrompt"] = "New prompt." }))
        {
            var data = await renamed.ShouldSucceedAsync();
            data["title"]!.GetValue<string>().ShouldBe("Renamed");
            data["systemPrompt"]!.GetValue<string>().ShouldBe("New prompt.");
        }

        (await client.ListSessionsDataAsync(provider)).SessionIds().ShouldBe([session.Id]);
        using (var deleted = await client.DeleteSessionAsync(provider, session.Id))
        {
            (await deleted.ShouldSucceedAsync())["deleted"]!.GetValue<bool>().ShouldBeTrue();
        }

        (await factory.Database.SessionRowAsync(session.Id)).ShouldBeNull();
    }

    [Fact]
    public async Task A_viewer_reads_sessions_but_may_not_create_change_or_delete_them()
    {
        var organization = ChatApi.NewOrganization();
        var owner = factory.OwnerClient(organization);
        var provider = await owner.AddProviderAsync(Upstream.NewScenario());
        var session = await owner.CreateSessionAsync(provider, "Read only", "Owner's prompt.");
        using (var chat = await owner.ChatAsync(provider, "Hello", session.SessionId))
        {
            await chat.ShouldSucceedAsync();
        }

        using var viewer = factory.ClientFor(organization, "viewer");

        (await viewer.ListSessionsDataAsync(provider)).SessionIds().ShouldBe([session.Id]);
        var read = await viewer.GetSessionDataAsync(provider, session.Id);
        read["messages"]!.AsArray().Count.ShouldBe(2);

        using (var create = await viewer.PostSessionAsync(provider, new JsonObject { ["title"] = "Not allowed" }))
        {
            (await create.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN")).Message().ShouldContain("'use'");
        }

        using (var patch = await viewer.PatchSessionAsync(provider, session.Id, new JsonObject { ["title"] = "Hijacked" }))
        {
            await patch.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        using (var delete = await viewer.DeleteSessionAsync(provider, session.Id))
        {
            await delete.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        }

        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_sessions WHERE organization_id = '{organization}'")).ShouldBe(1);
        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[0].ShouldBe(2);
        row[3].ShouldBe("Read only");
        row[4].ShouldBe("Owner's prompt.");
    }

    [Fact]
    public async Task Without_a_token_every_session_route_is_401()
    {
        var owner = factory.OwnerClient();
        var provider = await owner.AddProviderAsync(Upstream.NewScenario());
        var session = await owner.CreateSessionAsync(provider);
        using var anonymous = factory.CreateClient();

        foreach (var (method, url) in new[]
        {
            (HttpMethod.Get, SessionsApi.Url(provider)),
            (HttpMethod.Post, SessionsApi.Url(provider)),
            (HttpMethod.Get, session.Url),
            (HttpMethod.Patch, session.Url),
            (HttpMethod.Delete, session.Url),
        })
        {
            using var response = await anonymous.SendJsonAsync(method, url, method == HttpMethod.Get || method == HttpMethod.Delete ? null : "{}");
            await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }

    [Fact]
    public async Task Another_organizations_sessions_are_404_for_every_verb_and_never_listed()
    {
        var theirOrganization = ChatApi.NewOrganization();
        var their = factory.OwnerClient(theirOrganization);
        var theirProvider = await their.AddProviderAsync(Upstream.NewScenario());
        var theirSession = await their.CreateSessionAsync(theirProvider, "Private plans", "Private prompt.");
        using (var chat = await their.ChatAsync(theirProvider, "Confidential", theirSession.SessionId))
        {
            await chat.ShouldSucceedAsync();
        }

        var our = factory.OwnerClient();
        var ourProvider = await our.AddProviderAsync(Upstream.NewScenario());
        await our.CreateSessionAsync(ourProvider, "Ours");

        // Through their provider's URL: the provider itself is invisible.
        var responses = new List<HttpResponseMessage>
        {
            await our.ListSessionsAsync(theirProvider),
            await our.PostSessionAsync(theirProvider, new JsonObject { ["title"] = "Squatter" }),
            await our.GetSessionAsync(theirProvider, theirSession.Id),
            await our.PatchSessionAsync(theirProvider, theirSession.Id, new JsonObject { ["title"] = "Hijacked" }),
            await our.DeleteSessionAsync(theirProvider, theirSession.Id),

            // Through our own provider's URL: the session is invisible.
            await our.GetSessionAsync(ourProvider, theirSession.Id),
            await our.PatchSessionAsync(ourProvider, theirSession.Id, new JsonObject { ["title"] = "Hijacked" }),
            await our.DeleteSessionAsync(ourProvider, theirSession.Id),
        };

        foreach (var response in responses)
        {
            using (response)
            {
                var body = await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
                body.ToJsonString().ShouldNotContain("Private");
                body.ToJsonString().ShouldNotContain("Confidential");
            }
        }

        // What a session that never existed answers is word for word the same.
        var never = Guid.NewGuid().ToString();
        using (var missing = await our.GetSessionAsync(ourProvider, never))
        using (var foreign = await our.GetSessionAsync(ourProvider, theirSession.Id))
        {
            var missingMessage = (await missing.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message();
            var foreignMessage = (await foreign.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message();
            foreignMessage.Replace(theirSession.Id, never, StringComparison.Ordinal).ShouldBe(missingMessage);
        }

        var row = (await factory.Database.SessionRowAsync(theirSession.Id)).ShouldNotBeNull();
        row[0].ShouldBe(2);
        row[3].ShouldBe("Private plans");
        row[6].ShouldBe(theirOrganization);
        (await factory.Database.CountAsync($"SELECT count(*) FROM chat_messages WHERE session_id = '{theirSession.Id}'")).ShouldBe(2);
        (await our.ListSessionsDataAsync(ourProvider)).SessionIds().ShouldNotContain(theirSession.Id);
        (await their.ListSessionsDataAsync(theirProvider)).SessionIds().ShouldBe([theirSession.Id]);
    }

    [Fact]
    public async Task A_session_of_another_provider_under_this_providers_url_is_404_and_unchanged()
    {
        var client = factory.OwnerClient();
        var owner = await client.AddProviderAsync(Upstream.NewScenario());
        var other = await client.AddProviderAsync(Upstream.NewScenario());
        var session = await client.CreateSessionAsync(owner, "Belongs to the first");

        using (var get = await client.GetSessionAsync(other, session.Id))
        {
            (await get.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message().ShouldBe($"Session '{session.Id}' was not found.");
        }

        using (var patch = await client.PatchSessionAsync(other, session.Id, new JsonObject { ["title"] = "Moved" }))
        {
            await patch.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        using (var delete = await client.DeleteSessionAsync(other, session.Id))
        {
            await delete.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        var row = (await factory.Database.SessionRowAsync(session.Id)).ShouldNotBeNull();
        row[3].ShouldBe("Belongs to the first");
        row[5].ShouldBe(Guid.Parse(owner));
        (await client.ListSessionsDataAsync(other)).SessionIds().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_session_id_that_does_not_exist_is_404_naming_the_session_not_the_provider()
    {
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(Upstream.NewScenario());
        var missing = Guid.NewGuid().ToString();

        using var response = await client.GetSessionAsync(provider, missing);

        (await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND")).Message().ShouldBe($"Session '{missing}' was not found.");
    }
}
