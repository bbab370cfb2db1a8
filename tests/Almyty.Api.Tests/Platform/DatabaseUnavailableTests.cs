using System.Net;
using Almyty.Api.Http;
using Almyty.Api.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Almyty.Api.Tests.Platform;

/// <summary>An API whose PostgreSQL cannot be reached: nothing listens on the port of its connection string.</summary>
public sealed class UnreachableDatabaseApiFactory : ApiFactory
{
    public UnreachableDatabaseApiFactory()
    {
        Settings["ConnectionStrings:Almyty"] = "Host=127.0.0.1;Port=1;Username=almyty;Password=unused;Database=almyty;Timeout=5";
        Settings["Database:MigrateOnStart"] = "false";
    }
}

/// <summary>A database that cannot serve is the service's temporary state, not a bug: 503, never the driver's text.</summary>
public sealed class DatabaseUnavailableTests(UnreachableDatabaseApiFactory factory) : IClassFixture<UnreachableDatabaseApiFactory>
{
    [Fact]
    public async Task Listing_providers_answers_503_SERVICE_UNAVAILABLE()
    {
        using var client = factory.ClientFor("org-db-down", "owner");

        using var response = await client.GetAsync("/llm-providers", TestContext.Current.CancellationToken);

        await ShouldBeUnavailableAsync(response);
    }

    [Fact]
    public async Task Creating_a_provider_answers_503_SERVICE_UNAVAILABLE()
    {
        using var client = factory.ClientFor("org-db-down", "owner");

        using var response = await client.PostJsonAsync("/llm-providers", new { name = "Down", provider = "openai", apiKey = "sk-test-1234567890abcd" });

        await ShouldBeUnavailableAsync(response);
    }

    [Fact]
    public async Task Chatting_answers_503_SERVICE_UNAVAILABLE_before_any_provider_is_called()
    {
        using var client = factory.ClientFor("org-db-down", "member");

        using var response = await client.PostJsonAsync($"/llm-providers/{Guid.CreateVersion7()}/chat", new { message = "Hello" });

        await ShouldBeUnavailableAsync(response);
    }

    [Fact]
    public async Task Readiness_answers_503_as_well()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.JsonAsync())["error"]!.GetValue<string>().ShouldBe("SERVICE_UNAVAILABLE");
    }

    [Fact]
    public async Task The_fault_is_logged_as_an_error_with_its_exception()
    {
        using var client = factory.ClientFor("org-db-down-log", "owner");

        using var response = await client.GetAsync("/llm-providers", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        factory.Logs.GetSnapshot().ShouldContain(r => r.Level == LogLevel.Error && r.Exception != null && r.Message.Contains("/llm-providers", StringComparison.Ordinal));
    }

    private static async Task ShouldBeUnavailableAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, text);
        var body = await response.JsonAsync();
        body["success"]!.GetValue<bool>().ShouldBeFalse();
        body["error"]!.GetValue<string>().ShouldBe("SERVICE_UNAVAILABLE");
        body["statusCode"]!.GetValue<int>().ShouldBe(503);
        body["message"]!.GetValue<string>().ShouldBe(ApiExceptionHandler.DatabaseUnavailable);
        text.ShouldNotContain("Npgsql", Case.Insensitive);
        text.ShouldNotContain("127.0.0.1");
    }
}
