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
    public async Task The_openapi_document_describes_the_request_bodies_as_the_validators_check_them()
    {
        var schemas = (await OpenApiDocumentAsync())["components"]!["schemas"]!;

        var create = schemas["CreateProviderRequest"]!;
        Strings(create["required"]).ShouldBe(["name", "provider", "apiKey"], ignoreOrder: true);
        Strings(create["properties"]!["provider"]!["enum"]).ShouldBe(["openai", "anthropic", "custom"]);
        create["properties"]!["name"]!["type"]!.ToJsonString().ShouldBe("\"string\"");
        create["properties"]!["name"]!["maxLength"]!.GetValue<int>().ShouldBe(100);
        create["properties"]!["apiKey"]!["maxLength"]!.GetValue<int>().ShouldBe(512);
        Strings(schemas["ChatRequest"]!["required"]).ShouldBe(["message"]);
        schemas["ChatRequest"]!["properties"]!["message"]!["maxLength"]!.GetValue<int>().ShouldBe(100_000);

        // Optional<T> appears as its inner type, nullable where null clears the member, and not where null is refused.
        schemas.AsObject().Select(s => s.Key).ShouldNotContain(k => k.StartsWith("Optional", StringComparison.Ordinal));
        var update = schemas["UpdateProviderRequest"]!["properties"]!;
        Strings(update["model"]!["type"]).ShouldBe(["null", "string"], ignoreOrder: true);
        Strings(update["baseUrl"]!["type"]).ShouldBe(["null", "string"], ignoreOrder: true);
        update["name"]!["type"]!.ToJsonString().ShouldBe("\"string\"");
        Strings(update["status"]!["enum"]).ShouldBe(["active", "inactive"]);
        Strings(schemas["UpdateSessionRequest"]!["properties"]!["title"]!["type"]).ShouldBe(["null", "string"], ignoreOrder: true);
        var configuration = schemas["ProviderConfigurationRequest"]!["properties"]!;
        configuration["temperature"]!["maximum"]!.GetValue<double>().ShouldBe(2);
        Strings(configuration["inputCostPer1M"]!["type"]).ShouldBe(["null", "number"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_openapi_document_describes_ids_query_parameters_headers_and_the_500()
    {
        var paths = (await OpenApiDocumentAsync())["paths"]!;

        var patch = paths["/llm-providers/{id}"]!["patch"]!;
        var id = patch["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "id")!;
        id["schema"]!["format"]!.GetValue<string>().ShouldBe("uuid");
        foreach (var operation in new[] { patch, paths["/llm-providers/{id}"]!["delete"]!, paths["/llm-providers/{id}/sessions/{sessionId}"]!["patch"]!, paths["/llm-providers/{id}/sessions/{sessionId}"]!["delete"]! })
        {
            operation["parameters"]!.AsArray().ShouldContain(p => p!["name"]!.GetValue<string>() == "If-Match" && p["in"]!.GetValue<string>() == "header");
        }

        patch["responses"]!["200"]!["headers"]!["ETag"].ShouldNotBeNull();
        var created = paths["/llm-providers"]!["post"]!["responses"]!["201"]!["headers"]!;
        created["Location"].ShouldNotBeNull();
        created["ETag"].ShouldNotBeNull();

        var list = paths["/llm-providers"]!["get"]!["parameters"]!.AsArray().ToDictionary(p => p!["name"]!.GetValue<string>(), p => p!["schema"]!);
        Strings(list["sortBy"]["enum"]).ShouldBe(["createdAt", "name", "totalCost", "lastUsedAt"]);
        Strings(list["sortOrder"]["enum"]).ShouldBe(["asc", "desc"]);
        Strings(list["provider"]["enum"]).ShouldBe(["openai", "anthropic", "custom"]);
        list["limit"]["type"]!.GetValue<string>().ShouldBe("integer");
        list["limit"]["maximum"]!.GetValue<int>().ShouldBe(100);
        var usage = paths["/llm-providers/{id}/usage"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "groupBy")!;
        Strings(usage["schema"]!["enum"]).ShouldBe(["day", "model"]);

        foreach (var (path, item) in paths.AsObject())
        {
            foreach (var method in OperationsOf(item!))
            {
                item![method]!["responses"]!["500"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>()
                    .ShouldBe("#/components/schemas/ErrorEnvelope", $"{method} {path}");
            }
        }
    }

    [Fact]
    public async Task The_openapi_document_types_money_as_a_number_and_timestamps_as_strings()
    {
        var schemas = (await OpenApiDocumentAsync())["components"]!["schemas"]!;

        var provider = schemas["ProviderResponse"]!["properties"]!;
        Strings(provider["totalCost"]!["type"]).ShouldBe(["number"]);
        Strings(provider["createdAt"]!["type"]).ShouldBe(["string"]);
        provider["createdAt"]!["format"]!.GetValue<string>().ShouldBe("date-time");
        Strings(provider["lastUsedAt"]!["type"]).ShouldBe(["null", "string"], ignoreOrder: true);
        Strings(schemas["ChatResponse"]!["properties"]!["cost"]!["type"]).ShouldBe(["number"]);
        Strings(schemas["UsageTotals"]!["properties"]!["lastRequestAt"]!["type"]).ShouldBe(["null", "string"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_openapi_document_names_the_overhead_rate_limit_and_retry_after_headers()
    {
        var paths = (await OpenApiDocumentAsync())["paths"]!;

        foreach (var (path, item) in paths.AsObject())
        {
            foreach (var method in OperationsOf(item!))
            {
                foreach (var (status, response) in item![method]!["responses"]!.AsObject())
                {
                    var headers = response!["headers"].ShouldNotBeNull($"{method} {path} {status}").AsObject();
                    headers.ContainsKey("X-Almyty-Overhead-Ms").ShouldBeTrue($"{method} {path} {status}");
                    headers.ContainsKey("X-RateLimit-Remaining").ShouldBe(status is not ("401" or "413"), $"{method} {path} {status}");
                    headers.ContainsKey("Retry-After").ShouldBe(status is "429" or "503", $"{method} {path} {status}");
                }
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

    private async Task<JsonNode> OpenApiDocumentAsync()
    {
        using var client = factory.CreateClient();
        var text = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        return JsonNode.Parse(text)!;
    }

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()).ToArray() : [node.ShouldNotBeNull().GetValue<string>()];

    private static string[] OperationsOf(JsonNode pathItem) =>
        pathItem.AsObject()
            .Select(o => o.Key)
            .Where(k => k is "get" or "put" or "post" or "delete" or "options" or "head" or "patch" or "trace")
            .ToArray();
}
