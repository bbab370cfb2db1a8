using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Api.Tests.Security;

namespace Almyty.Api.Tests.Platform;

/// <summary>Health, documentation and the envelope for what no endpoint handles: none of it needs a token.</summary>
public sealed class PlatformTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200_with_success_true_without_a_token(string url)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/json");
        var data = await response.DataAsync();
        data["status"]!.GetValue<string>().ShouldBe("healthy");
    }

    [Fact]
    public void No_data_protection_key_ring_is_started_since_bearer_tokens_need_none()
    {
        // Its start-up service would write an unencrypted key file under $HOME on every fresh start, and warn about it.
        var dataProtection = typeof(Microsoft.AspNetCore.DataProtection.DataProtectionOptions).Assembly;

        var hosted = factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().ToList();

        hosted.ShouldNotBeEmpty("the API's own background services are hosted services too");
        hosted.ShouldNotContain(service => service.GetType().Assembly == dataProtection);
    }

    [Fact]
    public async Task Readiness_reports_that_it_checked_postgresql()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);

        var data = await response.DataAsync();
        data["checks"]!["postgresql"]!.GetValue<string>().ShouldBe("healthy");
    }

    [Fact]
    public async Task The_openapi_document_is_served_without_a_token_and_describes_the_provider_endpoints()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        var paths = document["paths"]!.AsObject();
        paths.ContainsKey("/llm-providers").ShouldBeTrue(string.Join(", ", paths.Select(p => p.Key)));
        paths.ContainsKey("/llm-providers/{id}").ShouldBeTrue(string.Join(", ", paths.Select(p => p.Key)));
        OperationsOf(paths["/llm-providers"]!).ShouldBe(["get", "post"], ignoreOrder: true);
        OperationsOf(paths["/llm-providers/{id}"]!).ShouldBe(["delete", "get", "patch"], ignoreOrder: true);
    }

    [Fact]
    public async Task Every_operation_with_a_json_body_documents_413_and_415()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var withBody = (
            from path in document["paths"]!.AsObject()
            from operation in path.Value!.AsObject()
            where operation.Value?["requestBody"] is not null
            select (Name: $"{operation.Key} {path.Key}", Responses: operation.Value!["responses"]!.AsObject())).ToList();
        withBody.Select(o => o.Name).ShouldBe(
            ["post /llm-providers", "patch /llm-providers/{id}", "post /llm-providers/{id}/chat", "post /llm-providers/{id}/sessions", "patch /llm-providers/{id}/sessions/{sessionId}"],
            ignoreOrder: true);
        foreach (var (name, responses) in withBody)
        {
            responses.ContainsKey("413").ShouldBeTrue(name);
            responses.ContainsKey("415").ShouldBeTrue(name);
        }
    }

    [Fact]
    public async Task The_openapi_document_declares_a_bearer_scheme_and_every_provider_operation_requires_it()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        var bearer = schemes.Where(s => s.Value!["type"]?.GetValue<string>() == "http"
                && string.Equals(s.Value["scheme"]?.GetValue<string>(), "bearer", StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Key)
            .ToList();
        bearer.ShouldNotBeEmpty(schemes.ToJsonString());

        foreach (var path in new[] { "/llm-providers", "/llm-providers/{id}" })
        {
            foreach (var (method, operation) in document["paths"]![path]!.AsObject().Where(o => OperationsOf(document["paths"]![path]!).Contains(o.Key)))
            {
                var requirements = operation!["security"]?.AsArray() ?? document["security"]?.AsArray();
                requirements.ShouldNotBeNull($"{method} {path} declares no security requirement");
                requirements.ShouldContain(r => r!.AsObject().Any(s => bearer.Contains(s.Key)), $"{method} {path}");
            }
        }
    }

    [Fact]
    public async Task The_docs_page_is_served_as_html_without_a_token()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/docs", TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/html");
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        html.ShouldContain("<html", Case.Insensitive);
        html.ShouldContain("openapi/v1.json");

        // The page's own script, resolved against the page's final address, is served without a token too.
        using var script = await client.GetAsync(new Uri(response.RequestMessage!.RequestUri!, "scalar.js"), TestContext.Current.CancellationToken);
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/javascript");
    }

    [Theory]
    [InlineData("/no-such-endpoint")]
    [InlineData("/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10/no-such-action")]
    [InlineData("/openapi/v2.json")]
    public async Task An_unknown_route_answers_404_NOT_FOUND_in_the_envelope(string url)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(url, TestContext.Current.CancellationToken);

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task An_unknown_route_answers_404_in_the_envelope_with_a_token_too()
    {
        using var client = factory.ClientFor("org-platform", "owner");

        using var response = await client.PostJsonAsync("/no-such-endpoint", new { name = "x" });

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("PUT", "/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10")]
    [InlineData("POST", "/llm-providers/8f1d8d9e-3a55-4d7e-9d7c-1f5b8a3c2e10")]
    [InlineData("DELETE", "/llm-providers")]
    [InlineData("PUT", "/llm-providers")]
    public async Task An_unsupported_method_answers_405_in_the_envelope_with_an_Allow_header(string method, string url)
    {
        using var client = factory.ClientFor("org-platform", "owner");
        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        await response.ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, code: null);
        response.Content.Headers.Allow.ShouldNotBeEmpty();
        response.Content.Headers.Allow.ShouldNotContain(method);
    }

    private static string[] OperationsOf(JsonNode pathItem) =>
        pathItem.AsObject()
            .Select(o => o.Key)
            .Where(k => k is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
            .ToArray();
}
