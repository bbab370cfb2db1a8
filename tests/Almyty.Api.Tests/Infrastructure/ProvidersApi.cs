using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Almyty.Api.Tests.Infrastructure;

/// <summary>A provider the API has just created: its id, its ETag and the <c>data</c> it answered with.</summary>
public sealed record CreatedProvider(string Id, string ETag, JsonObject Data)
{
    public string Url => $"{ProvidersApi.Route}/{Id}";
}

/// <summary>
/// Shorthands for the provider CRUD tests: an organization of their own per test, valid bodies, and the checks every
/// error envelope must pass.
/// </summary>
public static partial class ProvidersApi
{
    public const string Route = "/llm-providers";

    public const string Json = "application/json";

    /// <summary>Every member the contract says a provider carries.</summary>
    public static IReadOnlyList<string> ContractFields { get; } =
    [
        "id", "name", "provider", "model", "baseUrl", "configuration", "status", "apiKeyHint", "totalCost",
        "totalRequests", "totalTokens", "lastUsedAt", "lastTestedAt", "lastError", "createdAt", "updatedAt",
    ];

    /// <summary>Every configuration key the contract names.</summary>
    public static IReadOnlyList<string> ConfigurationKeys { get; } =
    [
        "temperature", "maxTokens", "topP", "systemPrompt", "stop", "timeoutSeconds", "inputCostPer1M", "outputCostPer1M",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string NewOrganization() => $"org-{Guid.NewGuid():N}";

    /// <summary>A key long enough to show its last four characters in the hint, unique so a leak is unambiguous.</summary>
    public static string NewApiKey(string lastFour = "Ab3d") => $"sk-test-{Guid.NewGuid():N}{lastFour}";

    /// <summary>An owner of a brand-new organization, so no other test's providers are visible.</summary>
    public static HttpClient NewOwner(this ApiFactory factory) => factory.NewOwner(out _);

    public static HttpClient NewOwner(this ApiFactory factory, out string organizationId)
    {
        ArgumentNullException.ThrowIfNull(factory);
        organizationId = NewOrganization();
        return factory.ClientFor(organizationId, "owner");
    }

    /// <summary>
    /// How many providers the organization has in the database, read beside the API: "a refused request stores
    /// nothing" should not depend on the list endpoint working.
    /// </summary>
    public static async Task<long> StoredProviderCountAsync(this ApiFactory factory, string organizationId)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Guid.TryParseExact(organizationId["org-".Length..], "N", out _).ShouldBeTrue("only ids made by NewOrganization are inlined into SQL");
        return await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE organization_id = '{organizationId}'");
    }

    public static JsonObject Body(string name, string provider = "openai", string? apiKey = null) => new()
    {
        ["name"] = name,
        ["provider"] = provider,
        ["apiKey"] = apiKey ?? NewApiKey(),
    };

    public static JsonObject With(this JsonObject body, string member, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(body);
        body[member] = value;
        return body;
    }

    public static JsonObject Without(this JsonObject body, string member)
    {
        ArgumentNullException.ThrowIfNull(body);
        body.Remove(member);
        return body;
    }

    public static Task<HttpResponseMessage> SendJsonAsync(
        this HttpClient client,
        HttpMethod method,
        string url,
        string? json,
        string? ifMatch = null,
        string contentType = Json)
    {
        ArgumentNullException.ThrowIfNull(client);
        var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.Remove("Content-Type");
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request, Token);
    }

    public static Task<HttpResponseMessage> PostProviderAsync(this HttpClient client, JsonNode body) =>
        client.SendJsonAsync(HttpMethod.Post, Route, body?.ToJsonString());

    public static Task<HttpResponseMessage> PostProviderRawAsync(this HttpClient client, string json, string contentType = Json) =>
        client.SendJsonAsync(HttpMethod.Post, Route, json, contentType: contentType);

    public static Task<HttpResponseMessage> PatchProviderAsync(this HttpClient client, string id, JsonNode body, string? ifMatch = null) =>
        client.SendJsonAsync(HttpMethod.Patch, $"{Route}/{id}", body?.ToJsonString(), ifMatch);

    public static Task<HttpResponseMessage> PatchProviderRawAsync(this HttpClient client, string id, string json, string contentType = Json) =>
        client.SendJsonAsync(HttpMethod.Patch, $"{Route}/{id}", json, contentType: contentType);

    public static Task<HttpResponseMessage> GetProviderAsync(this HttpClient client, string id)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync($"{Route}/{id}", Token);
    }

    public static Task<HttpResponseMessage> DeleteProviderAsync(this HttpClient client, string id, string? ifMatch = null) =>
        client.SendJsonAsync(HttpMethod.Delete, $"{Route}/{id}", json: null, ifMatch);

    public static Task<HttpResponseMessage> ListProvidersAsync(this HttpClient client, string query = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync(query.Length == 0 ? Route : $"{Route}?{query}", Token);
    }

    /// <summary>Creates a provider and checks the 201; the body is the caller's, so it may carry any optional member.</summary>
    public static async Task<CreatedProvider> CreateProviderAsync(this HttpClient client, JsonObject body)
    {
        var response = await client.PostProviderAsync(body);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var data = (await response.DataAsync()).AsObject();
        return new CreatedProvider(data["id"]!.GetValue<string>(), response.ETag(), data);
    }

    public static Task<CreatedProvider> CreateProviderAsync(this HttpClient client, string name, string provider = "openai") =>
        client.CreateProviderAsync(Body(name, provider));

    /// <summary>The <c>data</c> of a 200 answer.</summary>
    public static async Task<JsonObject> OkDataAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return (await response.DataAsync()).AsObject();
    }

    /// <summary>The ETag header as sent (quotes included), after checking that there is one.</summary>
    public static string ETag(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.TryGetValues("ETag", out var values).ShouldBeTrue($"{(int)response.StatusCode} answer without an ETag header");
        var etag = values!.Single();
        etag.ShouldNotBeNullOrWhiteSpace();
        return etag;
    }

    /// <summary>
    /// Checks the platform's error envelope: exact status, exact code, a message, the status repeated in the body, no
    /// exception text; and when <paramref name="fields"/> are given, exactly those names in <c>errors[].field</c>.
    /// </summary>
    public static async Task<JsonObject> ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string code, params string[] fields)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(fields);
        var text = await response.Content.ReadAsStringAsync(Token);
        var context = $"{(int)response.StatusCode} {text}";
        response.StatusCode.ShouldBe(status, context);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe(Json, context);
        ShouldNotLeakInternals(text);

        var body = JsonNode.Parse(text)!.AsObject();
        body["success"]!.GetValue<bool>().ShouldBeFalse(context);
        body["error"]!.GetValue<string>().ShouldBe(code, context);
        body["statusCode"]!.GetValue<int>().ShouldBe((int)status, context);
        body["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(context);
        body.ContainsKey("data").ShouldBeFalse(context);

        if (fields.Length > 0)
        {
            FieldsOf(body).ShouldBe(fields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), context);
        }

        return body;
    }

    /// <summary>A 400 <c>VALIDATION_ERROR</c> that names exactly these fields.</summary>
    public static Task<JsonObject> ShouldBeValidationErrorAsync(this HttpResponseMessage response, params string[] fields) =>
        response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR", fields);

    /// <summary>The distinct <c>errors[].field</c> names, sorted; every entry must carry a message too.</summary>
    public static IReadOnlyList<string> FieldsOf(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = body["errors"].ShouldNotBeNull(body.ToJsonString()).AsArray();
        errors.Count.ShouldBeGreaterThan(0, body.ToJsonString());
        foreach (var error in errors)
        {
            error!["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(body.ToJsonString());
        }

        return errors.Select(e => e!["field"]!.GetValue<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public static void ShouldNotLeakInternals(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.ShouldNotContain("Exception", Case.Sensitive);
        text.ShouldNotContain("System.", Case.Sensitive);
        text.ShouldNotContain("Almyty.", Case.Sensitive);
        StackFrame().IsMatch(text).ShouldBeFalse($"a stack frame in: {text}");
        text.ShouldNotContain(".cs:line", Case.Sensitive);
    }

    [GeneratedRegex(@"\bat [\w.`<>]+\.[\w`<>]+\(", RegexOptions.CultureInvariant)]
    private static partial Regex StackFrame();

    /// <summary>The ids in a list answer, in order.</summary>
    public static IReadOnlyList<string> Ids(this JsonObject listData)
    {
        ArgumentNullException.ThrowIfNull(listData);
        return listData["providers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
    }

    /// <summary>The names in a list answer, in order.</summary>
    public static IReadOnlyList<string> Names(this JsonObject listData)
    {
        ArgumentNullException.ThrowIfNull(listData);
        return listData["providers"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
    }
}
