using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// A provider host that swallows connection attempts: each attempt ends at <c>Gateways__ConnectTimeoutSeconds</c> as a
/// connection failure, which is retried, counts against the host's circuit, and was never sent. One that accepts the
/// connection and never answers the TLS handshake ends the same way at twice that.
/// </summary>
public sealed class ConnectTimeoutTests(ConnectTimeoutApiFactory factory) : IClassFixture<ConnectTimeoutApiFactory>
{
    private static readonly TimeSpan OneAttempt = TimeSpan.FromSeconds(ConnectTimeoutApiFactory.ConnectTimeoutSeconds);

    [Fact]
    public async Task A_chat_whose_connections_time_out_is_503_after_every_attempt_and_is_not_counted()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await AddProviderAsync(client, silent.OpenAiBaseUrl);

        var watch = Stopwatch.StartNew();
        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            error.Message().ShouldEndWith($"Connecting to 127.0.0.1:{silent.Port} timed out.");
        }

        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(OneAttempt * ConnectTimeoutApiFactory.AttemptsPerCall * 0.9, "each attempt waited for its connect timeout");
        var stored = await client.GetProviderDataAsync(provider);
        stored["totalRequests"].AsCount().ShouldBe(0, "no attempt reached the provider");
        (await client.GetUsageDataAsync(provider))["totals"]!["failedRequests"].AsCount().ShouldBe(0);
    }

    [Fact]
    public async Task Connect_timeouts_open_the_host_circuit_so_later_chats_fail_at_once()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await AddProviderAsync(client, silent.OpenAiBaseUrl);
        for (var i = 0; i < 2; i++)
        {
            using var failed = await client.ChatAsync(provider, "Hi");
            (await failed.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE")).Message().ShouldContain("timed out");
        }

        var watch = Stopwatch.StartNew();
        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
        error.Message().ShouldContain("circuit open");
        watch.Elapsed.ShouldBeLessThan(OneAttempt, "an open circuit does not try to connect");
    }

    [Fact]
    public async Task Test_connection_to_a_host_that_never_accepts_reports_connection_failed()
    {
        using var silent = await SilentListener.DroppingConnectionsAsync();
        var client = factory.OwnerClient();
        var provider = await AddProviderAsync(client, silent.OpenAiBaseUrl);

        using var response = await client.TestConnectionAsync(provider);

        var data = await response.ShouldSucceedAsync();
        data["status"]!.GetValue<string>().ShouldBe("error");
        data["error"]!["code"]!.GetValue<string>().ShouldBe("CONNECTION_FAILED");
        data["error"]!["message"]!.GetValue<string>().ShouldBe($"Connecting to 127.0.0.1:{silent.Port} timed out.");
        (await client.GetProviderDataAsync(provider))["status"]!.GetValue<string>().ShouldBe("error");
    }

    [Fact]
    public async Task A_chat_whose_tls_handshakes_stall_is_503_after_every_attempt_and_is_not_counted()
    {
        using var silent = SilentListener.AcceptingConnections();
        var client = factory.OwnerClient();
        var provider = await AddProviderAsync(client, silent.OpenAiHttpsBaseUrl);

        var watch = Stopwatch.StartNew();
        using (var response = await client.ChatAsync(provider, "Hi"))
        {
            var error = await response.ShouldFailWithAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
            error.Message().ShouldEndWith($"The TLS handshake with 127.0.0.1:{silent.Port} did not finish in time.");
        }

        watch.Elapsed.ShouldBeGreaterThanOrEqualTo(2 * OneAttempt * ConnectTimeoutApiFactory.AttemptsPerCall * 0.9, "each attempt waited for the handshake's bound, twice the connect timeout");
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(0, "no request was written");
        (await client.GetUsageDataAsync(provider))["totals"]!["failedRequests"].AsCount().ShouldBe(0);
    }

    /// <summary>A provider at <paramref name="baseUrl"/> with a budget long enough for every attempt to meet its own bound.</summary>
    private Task<string> AddProviderAsync(HttpClient client, string baseUrl) =>
        client.AddProviderAsync(factory.Upstream.NewScenario(), baseUrl: baseUrl, configuration: new JsonObject { ["timeoutSeconds"] = 30 });
}
