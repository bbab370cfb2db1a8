using System.Net;
using Almyty.Api.Http;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Gateways;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Application.Usage;
using Almyty.Domain.Usage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Almyty.Api.Tests.Chat;

/// <summary>PostgreSQL goes away between the provider's answer and the usage record: the connection broke mid-statement.</summary>
public sealed class UsageDatabaseDownApiFactory : UpstreamApiFactory
{
    public UsageDatabaseDownApiFactory() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IUsageRecorder, BrokenConnectionUsageRecorder>());
    }

    private sealed class BrokenConnectionUsageRecorder : IUsageRecorder
    {
        public Task RecordAsync(UsageRecord record, CancellationToken cancellationToken) =>
            Task.FromException(new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")));
    }
}

/// <summary>A chat whose usage cannot be recorded answers as the database's state says, in a plain call and in a stream alike.</summary>
public sealed class UsageDatabaseDownTests(UsageDatabaseDownApiFactory factory) : IClassFixture<UsageDatabaseDownApiFactory>
{
    [Fact]
    public async Task A_plain_chat_answers_503_SERVICE_UNAVAILABLE()
    {
        var scenario = factory.Upstream.NewScenario(Reply.Success(text: "Hello"));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var response = await client.ChatAsync(provider, "Hi");

        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, text);
        var body = await response.JsonAsync();
        body["error"]!.GetValue<string>().ShouldBe("SERVICE_UNAVAILABLE");
        body["message"]!.GetValue<string>().ShouldBe(ApiExceptionHandler.DatabaseUnavailable);
    }

    [Fact]
    public async Task A_stream_that_had_started_ends_with_the_same_code_in_its_error_event()
    {
        var scenario = factory.Upstream.NewScenario(StreamReply.Stream(new StreamPlan { Pieces = ["Hel", "lo"] }));
        var client = factory.OwnerClient();
        var provider = await client.AddProviderAsync(scenario, "openai");

        using var stream = await SseResponse.OpenAsync(client, provider, "Hi");
        var events = await stream.ShouldBeEventStream().ReadAllAsync();

        events.Select(e => e.Event).ShouldBe(["delta", "delta", "error"]);
        events[^1].Json["error"]!.GetValue<string>().ShouldBe("SERVICE_UNAVAILABLE");
        events[^1].Json["message"]!.GetValue<string>().ShouldBe(ApiExceptionHandler.DatabaseUnavailable);
        stream.Raw.ShouldNotContain("Npgsql");
    }
}
