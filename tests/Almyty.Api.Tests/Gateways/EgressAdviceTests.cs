using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// The refusal of a base URL tells the operator only about settings that would let it through:
/// <c>Egress__AllowPrivateNetworks</c> for loopback and private ranges, never for multicast, reserved, unspecified or
/// metadata addresses, which it does not open.
/// </summary>
public sealed class EgressAdviceTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("[ff02::1]")]
    [InlineData("[::ffff:224.0.0.251]")]
    public async Task A_multicast_base_url_is_refused_without_suggesting_Egress__AllowPrivateNetworks(string host)
    {
        var message = await RefusalOfAsync(host);

        message.ShouldContain("multicast");
        message.ShouldContain("Egress__AllowedHosts");
        message.ShouldNotContain("AllowPrivateNetworks");
    }

    [Theory]
    [InlineData("240.0.0.1")]
    [InlineData("0.0.0.0")]
    public async Task A_reserved_or_unspecified_base_url_is_refused_without_suggesting_Egress__AllowPrivateNetworks(string host)
    {
        var message = await RefusalOfAsync(host);

        message.ShouldContain("Egress__AllowedHosts");
        message.ShouldNotContain("AllowPrivateNetworks");
    }

    [Fact]
    public async Task A_metadata_base_url_is_refused_without_suggesting_any_setting()
    {
        var message = await RefusalOfAsync("169.254.169.254");

        message.ShouldContain("metadata");
        message.ShouldNotContain("Egress__");
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.1.20")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.10.10")]
    [InlineData("100.64.0.1")]
    public async Task A_loopback_private_link_local_or_cgnat_base_url_is_refused_suggesting_Egress__AllowPrivateNetworks(string host)
    {
        var message = await RefusalOfAsync(host);

        message.ShouldContain("Egress__AllowPrivateNetworks");
        message.ShouldContain("Egress__AllowedHosts");
    }

    /// <summary>Creates a provider on <paramref name="host"/>, checks the 400 <c>EGRESS_BLOCKED</c> on <c>baseUrl</c>, returns the message.</summary>
    private async Task<string> RefusalOfAsync(string host)
    {
        using var client = factory.NewOwner(out var organization);

        using var response = await client.PostProviderAsync(ProvidersApi.Body($"egress {Guid.NewGuid():N}", "custom").With("model", "llama3").With("baseUrl", $"http://{host}:8080/v1"));

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED", "baseUrl");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
        var message = body["message"]!.GetValue<string>();
        body["errors"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()).ShouldAllBe(m => m == message);
        return message;
    }
}

/// <summary>Private networks allowed, and one multicast address allowed by name in <c>Egress:AllowedHosts</c>.</summary>
public sealed class PrivateNetworksAllowedApiFactory : ApiFactory
{
    public const string AllowedMulticast = "224.0.0.1";

    public PrivateNetworksAllowedApiFactory()
    {
        Settings["Egress:AllowPrivateNetworks"] = "true";
        Settings["Egress:AllowedHosts:0"] = AllowedMulticast;
    }
}

/// <summary>The advice holds: AllowPrivateNetworks opens private ranges but not multicast, and AllowedHosts opens multicast.</summary>
public sealed class EgressAdviceEffectTests(PrivateNetworksAllowedApiFactory factory) : IClassFixture<PrivateNetworksAllowedApiFactory>
{
    [Fact]
    public async Task With_private_networks_allowed_a_private_base_url_is_accepted()
    {
        using var client = factory.NewOwner();

        await client.CreateProviderAsync(Body("10.1.2.3"));
    }

    [Fact]
    public async Task With_private_networks_allowed_a_multicast_base_url_is_still_refused_and_the_advice_does_not_name_that_setting()
    {
        using var client = factory.NewOwner();

        using var response = await client.PostProviderAsync(Body("224.0.0.2"));

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED", "baseUrl");
        var message = body["message"]!.GetValue<string>();
        message.ShouldContain("Egress__AllowedHosts");
        message.ShouldNotContain("AllowPrivateNetworks");
    }

    [Fact]
    public async Task A_multicast_address_listed_in_Egress__AllowedHosts_is_accepted_as_the_advice_says()
    {
        using var client = factory.NewOwner();

        await client.CreateProviderAsync(Body(PrivateNetworksAllowedApiFactory.AllowedMulticast));
    }

    private static JsonObject Body(string host) =>
        ProvidersApi.Body($"egress {Guid.NewGuid():N}", "custom").With("model", "llama3").With("baseUrl", $"http://{host}:8080/v1");
}
