using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>The headers a provider receives: its credentials and the wire format's own, nothing of ours besides.</summary>
public sealed class UpstreamHeaderTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private static readonly string[] TransportHeaders = ["Host", "Accept", "Content-Type", "Content-Length", "User-Agent", "Accept-Encoding"];

    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai", "Authorization")]
    [InlineData("custom", "Authorization")]
    [InlineData("anthropic", "x-api-key", "anthropic-version")]
    public async Task Chat_and_test_send_only_the_credentials_the_wire_format_and_transport_headers(string kind, params string[] protocolHeaders)
    {
        var scenario = Upstream.NewScenario();
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using (var chat = await client.ChatAsync(provider, "Hello"))
        {
            await chat.ShouldSucceedAsync();
        }

        using (var test = await client.TestConnectionAsync(provider))
        {
            await test.ShouldSucceedAsync();
        }

        scenario.Requests.Count.ShouldBe(2);
        foreach (var request in scenario.Requests)
        {
            // No trace context (traceparent, tracestate, baggage, Request-Id): our trace ids are not the provider's business.
            request.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase)
                .ShouldBe([.. TransportHeaders.Concat(protocolHeaders).Order(StringComparer.OrdinalIgnoreCase)], ignoreOrder: false,
                    customMessage: string.Join(", ", request.Headers.Keys));
            request.Header("User-Agent").ShouldBe("Almyty/1.0");
        }
    }
}
