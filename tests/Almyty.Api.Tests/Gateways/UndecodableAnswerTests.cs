using System.Net;
using Almyty.Api.Tests.Fakes;

namespace Almyty.Api.Tests.Gateways;

/// <summary>
/// An answer whose <c>Content-Encoding</c> does not match its bytes (the client decompresses as it reads): classified
/// like any other answer that cannot be read, counted as a call that went out, never a 500.
/// </summary>
public sealed class UndecodableAnswerTests(UpstreamApiFactory factory) : IClassFixture<UpstreamApiFactory>
{
    private FakeUpstream Upstream => factory.Upstream;

    [Theory]
    [InlineData("openai", "gzip")]
    [InlineData("anthropic", "gzip")]
    [InlineData("openai", "br")]
    [InlineData("openai", "deflate")]
    public async Task A_completion_its_content_encoding_cannot_decode_is_502_provider_invalid_response_and_counted(string kind, string encoding)
    {
        var scenario = Upstream.NewScenario(FaultReply.MislabelledAs(encoding, Reply.Success()));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        error.Message().ShouldContain("could not be decoded");
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'"))
            .Single()[0].ShouldBe("PROVIDER_INVALID_RESPONSE");
        (await client.GetProviderDataAsync(provider))["totalRequests"].AsCount().ShouldBe(1);
        scenario.SingleRequest();
    }

    [Fact]
    public async Task A_connection_test_answered_so_reports_invalid_response_and_stores_it()
    {
        var scenario = Upstream.NewScenario(FaultReply.MislabelledAs("gzip", Reply.Success()));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.TestConnectionAsync(provider);

        var result = await response.ShouldSucceedAsync();
        result["status"]!.GetValue<string>().ShouldBe("error");
        result["error"]!["code"]!.GetValue<string>().ShouldBe("INVALID_RESPONSE");
        var stored = await client.GetProviderDataAsync(provider);
        stored["status"]!.GetValue<string>().ShouldBe("error");
        stored["lastError"]!.GetValue<string>().ShouldContain("could not be decoded");
        stored["lastTestedAt"].ShouldNotBeNull();
    }

    [Fact]
    public async Task An_error_whose_body_cannot_be_decoded_is_classified_by_its_status()
    {
        var scenario = Upstream.NewScenario(FaultReply.MislabelledAs("gzip", Reply.Error(400, "Invalid 'temperature'.")));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario);

        using var response = await client.ChatAsync(provider, "Hi");

        var error = await response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_REJECTED");
        error.Message().ShouldContain("HTTP 400");
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    public async Task A_stream_its_content_encoding_cannot_decode_is_the_plain_json_error_and_recorded_as_such(string kind)
    {
        var scenario = Upstream.NewScenario(FaultReply.MislabelledAs("gzip", StreamReply.Stream()));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, kind);

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi");

        await stream.Response.ShouldFailWithAsync(HttpStatusCode.BadGateway, "PROVIDER_INVALID_RESPONSE");
        (await factory.Database.RowsAsync($"SELECT outcome FROM usage_records WHERE provider_id = '{provider}'"))
            .Single()[0].ShouldBe("PROVIDER_INVALID_RESPONSE");
    }
}
