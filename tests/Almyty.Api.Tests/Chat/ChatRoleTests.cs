using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Chat;

/// <summary>Chat and test reach the provider and spend money: members may, viewers may not.</summary>
public sealed class ChatRoleTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    [Fact]
    public async Task A_viewer_gets_403_on_chat_and_nothing_is_sent()
    {
        var (scenario, provider, organization) = await ProviderOfNewOrganizationAsync();
        var viewer = factory.ClientFor(organization, "viewer");

        using var response = await viewer.ChatAsync(provider, "Hi");

        await response.ShouldFailWithAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_viewer_gets_403_on_test_and_nothing_is_sent()
    {
        var (scenario, provider, organization) = await ProviderOfNewOrganizationAsync();
        var viewer = factory.ClientFor(organization, "viewer");

        using var response = await viewer.TestConnectionAsync(provider);

        await response.ShouldFailWithAsync(HttpStatusCode.Forbidden, "FORBIDDEN");
        scenario.Requests.ShouldBeEmpty();
        (await factory.OwnerClient(organization).GetProviderDataAsync(provider))["lastTestedAt"].ShouldBeNull();
    }

    [Fact]
    public async Task A_member_may_chat()
    {
        var (scenario, provider, organization) = await ProviderOfNewOrganizationAsync();
        var member = factory.ClientFor(organization, "member");

        using var response = await member.ChatAsync(provider, "Hi", Guid.NewGuid());

        (await response.ShouldSucceedAsync())["message"]!["content"]!.GetValue<string>().ShouldBe(Reply.EchoOf("Hi"));
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_member_may_test_the_connection()
    {
        var (scenario, provider, organization) = await ProviderOfNewOrganizationAsync();
        var member = factory.ClientFor(organization, "member");

        using var response = await member.TestConnectionAsync(provider);

        (await response.ShouldSucceedAsync())["status"]!.GetValue<string>().ShouldBe("ok");
        scenario.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_caller_without_a_token_gets_401_on_chat_and_test()
    {
        var (scenario, provider, _) = await ProviderOfNewOrganizationAsync();
        var anonymous = factory.CreateClient();

        using (var chat = await anonymous.ChatAsync(provider, "Hi"))
        {
            await chat.ShouldFailWithAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        using (var test = await anonymous.TestConnectionAsync(provider))
        {
            await test.ShouldFailWithAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        scenario.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Another_organization_cannot_chat_with_or_test_the_provider()
    {
        var (scenario, provider, _) = await ProviderOfNewOrganizationAsync();
        var stranger = factory.OwnerClient();

        using (var chat = await stranger.ChatAsync(provider, "Hi"))
        {
            await chat.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        using (var test = await stranger.TestConnectionAsync(provider))
        {
            await test.ShouldFailWithAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        scenario.Requests.ShouldBeEmpty();
    }

    private async Task<(UpstreamScenario Scenario, string Provider, string Organization)> ProviderOfNewOrganizationAsync()
    {
        var scenario = factory.Upstream.NewScenario();
        var organization = ChatApi.NewOrganization();
        var provider = await factory.OwnerClient(organization).AddProviderAsync(scenario);
        return (scenario, provider, organization);
    }
}
