using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

/// <summary>
/// Strict request bodies: what is not exactly the contract's JSON is a 4xx that says what is wrong, never a guess,
/// a 500 or a stack trace.
/// </summary>
public sealed class RequestBodyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int OneMebibyte = 1024 * 1024;

    private const string ValidBody = """{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456"}""";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("{\"name\":\"Strict\",\"provider\":\"openai\",\"apiKey\":\"sk-strict-key-123456\\\"")]
    [InlineData("""{"name":"Strict","provider":"openai",""")]
    [InlineData("""{name:"Strict",provider:"openai",apiKey:"sk-strict-key-123456"}""")]
    [InlineData("""{'name':'Strict','provider':'openai','apiKey':'sk-strict-key-123456'}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456",}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456"}}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456"} {}""")]
    [InlineData("""{"name":"Strict" /* comment */,"provider":"openai","apiKey":"sk-strict-key-123456"}""")]
    [InlineData("""{"name":"Str\qict","provider":"openai","apiKey":"sk-strict-key-123456"}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":0.7.1}}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":NaN}}""")]
    [InlineData("not json at all")]
    [InlineData("<provider><name>Strict</name></provider>")]
    public async Task Post_WithMalformedJson_Answers400ValidationErrorAndStoresNothing(string json)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldNotBeEmpty();
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"name": """)]
    [InlineData("""{"name": tru}""")]
    [InlineData("""{"name":"Strict","configuration":{"topP": }}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":0.7.1}}""")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":NaN}}""")]
    public async Task Post_WithJsonBrokenInsideAMember_NamesTheBodyNotTheMember(string json)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldBe(["body"]);
        body["message"]!.GetValue<string>().ShouldBe("The request body is not valid JSON.");
    }

    [Theory]
    [InlineData("""{"name": 5, "provider":"openai","apiKey":"k"}""", "name")]
    [InlineData("""{"name":"n","provider":"openai","apiKey":"k","configuration":{"topP":"high"}}""", "configuration.topP")]
    public async Task Post_WithValidJsonOfTheWrongType_NamesTheMember(string json, string field)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldBe([field]);
    }

    [Theory]
    [InlineData("""{"name":"Renamed",""")]
    [InlineData("""{"name":"Renamed"}}""")]
    [InlineData("not json")]
    public async Task Patch_WithMalformedJson_Answers400ValidationErrorAndChangesNothing(string json)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Unchanged");

        var response = await client.PatchProviderRawAsync(created.Id, json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldNotBeEmpty();
        (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Unchanged");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456"}]""")]
    [InlineData("\"Strict\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task Post_WithAJsonValueThatIsNotAnObject_Answers400ValidationError(string json)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldBe(["body"]);
        body["message"]!.GetValue<string>().ShouldBe("The request body must be a JSON object.");
    }

    [Theory]
    [InlineData("organizationId", "\"org-other\"")]
    [InlineData("id", "\"3f1c8a4e-0000-7000-8000-000000000001\"")]
    [InlineData("status", "\"inactive\"")]
    [InlineData("apiKeyHint", "\"sk-...0000\"")]
    [InlineData("totalCost", "0")]
    [InlineData("createdAt", "\"2026-01-01T00:00:00Z\"")]
    [InlineData("temperature", "0.7")]
    [InlineData("Name", "\"Other\"")]
    [InlineData("api_key", "\"sk-strict-key-123456\"")]
    public async Task Post_WithAnUnknownTopLevelField_Answers400NamingIt(string field, string value)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync("{\"name\":\"Strict\",\"provider\":\"openai\",\"apiKey\":\"sk-strict-key-123456\",\"" + field + "\":" + value + "}");

        await response.ShouldBeValidationErrorAsync(field);
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"totalCost":5}""", "totalCost")]
    [InlineData("""{"id":"3f1c8a4e-0000-7000-8000-000000000001"}""", "id")]
    [InlineData("""{"organizationId":"org-other"}""", "organizationId")]
    [InlineData("""{"lastError":null}""", "lastError")]
    [InlineData("""{"name":"Renamed","colour":"blue"}""", "colour")]
    [InlineData("""{"configuration":{"temperature":0.5,"seed":42}}""", "configuration.seed")]
    public async Task Patch_WithAnUnknownField_Answers400NamingItAndChangesNothing(string json, string field)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Unchanged");

        var response = await client.PatchProviderRawAsync(created.Id, json);

        await response.ShouldBeValidationErrorAsync(field);
        var stored = await client.GetProviderAsync(created.Id);
        stored.ETag().ShouldBe(created.ETag);
    }

    [Theory]
    [InlineData("""{"name":5,"provider":"openai","apiKey":"sk-strict-key-123456"}""", "name")]
    [InlineData("""{"name":true,"provider":"openai","apiKey":"sk-strict-key-123456"}""", "name")]
    [InlineData("""{"name":{"first":"a"},"provider":"openai","apiKey":"sk-strict-key-123456"}""", "name")]
    [InlineData("""{"name":["Strict"],"provider":"openai","apiKey":"sk-strict-key-123456"}""", "name")]
    [InlineData("""{"name":"Strict","provider":1,"apiKey":"sk-strict-key-123456"}""", "provider")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":123456}""", "apiKey")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","model":["gpt-4o"]}""", "model")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","baseUrl":443}""", "baseUrl")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":"hot"}""", "configuration")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":[]}""", "configuration")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":"hot"}}""", "configuration.temperature")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":true}}""", "configuration.temperature")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"maxTokens":{}}}""", "configuration.maxTokens")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"systemPrompt":42}}""", "configuration.systemPrompt")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"stop":"END"}}""", "configuration.stop")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"timeoutSeconds":[30]}}""", "configuration.timeoutSeconds")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"inputCostPer1M":false}}""", "configuration.inputCostPer1M")]
    public async Task Post_WithAWrongJsonType_Answers400NamingTheFieldPath(string json, string field)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(json);

        await response.ShouldBeValidationErrorAsync(field);
    }

    [Theory]
    [InlineData("""{"configuration":{"stop":[1,2]}}""")]
    [InlineData("""{"configuration":{"stop":[null]}}""")]
    [InlineData("""{"configuration":{"stop":[["END"]]}}""")]
    public async Task Post_WithAStopListHoldingSomethingOtherThanStrings_Answers400NamingTheStopList(string configuration)
    {
        var client = factory.NewOwner();
        var json = ValidBody[..^1] + "," + configuration[1..];

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        ProvidersApi.FieldsOf(body).ShouldHaveSingleItem().ShouldStartWith("configuration.stop");
    }

    [Theory]
    [InlineData("""{"name":5}""", "name")]
    [InlineData("""{"provider":["openai"]}""", "provider")]
    [InlineData("""{"apiKey":42}""", "apiKey")]
    [InlineData("""{"status":1}""", "status")]
    [InlineData("""{"status":false}""", "status")]
    [InlineData("""{"baseUrl":{}}""", "baseUrl")]
    [InlineData("""{"configuration":"hot"}""", "configuration")]
    [InlineData("""{"configuration":{"temperature":"hot"}}""", "configuration.temperature")]
    [InlineData("""{"configuration":{"maxTokens":true}}""", "configuration.maxTokens")]
    [InlineData("""{"configuration":{"stop":"END"}}""", "configuration.stop")]
    public async Task Patch_WithAWrongJsonType_Answers400NamingTheFieldPathAndChangesNothing(string json, string field)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Typed");

        var response = await client.PatchProviderRawAsync(created.Id, json);

        await response.ShouldBeValidationErrorAsync(field);
        (await client.GetProviderAsync(created.Id)).ETag().ShouldBe(created.ETag);
    }

    [Theory]
    [InlineData("temperature", "\"0.7\"")]
    [InlineData("temperature", "\"NaN\"")]
    [InlineData("temperature", "\"Infinity\"")]
    [InlineData("maxTokens", "\"4096\"")]
    [InlineData("topP", "\"0.5\"")]
    [InlineData("timeoutSeconds", "\"30\"")]
    [InlineData("inputCostPer1M", "\"2.5\"")]
    [InlineData("outputCostPer1M", "\"10\"")]
    public async Task Post_WithANumberWrittenAsAString_Answers400NamingIt(string key, string value)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync("{\"name\":\"Strict\",\"provider\":\"openai\",\"apiKey\":\"sk-strict-key-123456\",\"configuration\":{\"" + key + "\":" + value + "}}");

        await response.ShouldBeValidationErrorAsync($"configuration.{key}");
    }

    [Theory]
    [InlineData("temperature", "\"0.7\"")]
    [InlineData("maxTokens", "\"4096\"")]
    [InlineData("timeoutSeconds", "\"30\"")]
    public async Task Patch_WithANumberWrittenAsAString_Answers400NamingIt(string key, string value)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Numbers");

        var response = await client.PatchProviderRawAsync(created.Id, "{\"configuration\":{\"" + key + "\":" + value + "}}");

        await response.ShouldBeValidationErrorAsync($"configuration.{key}");
    }

    [Theory]
    [InlineData("""{"name":"First","name":"Second","provider":"openai","apiKey":"sk-strict-key-123456"}""", "name")]
    [InlineData("""{"name":"Strict","provider":"openai","provider":"anthropic","apiKey":"sk-strict-key-123456"}""", "provider")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","apiKey":"sk-other-key-654321"}""", "apiKey")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{"temperature":0.1,"temperature":0.2}}""", "configuration.temperature")]
    [InlineData("""{"name":"Strict","provider":"openai","apiKey":"sk-strict-key-123456","configuration":{},"configuration":{}}""", "configuration")]
    public async Task Post_WithADuplicatedMember_Answers400NamingIt(string json, string field)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync(json);

        await response.ShouldBeValidationErrorAsync(field);
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"name":"First","name":"Second"}""", "name")]
    [InlineData("""{"status":"inactive","status":"active"}""", "status")]
    [InlineData("""{"configuration":{"maxTokens":1,"maxTokens":2}}""", "configuration.maxTokens")]
    public async Task Patch_WithADuplicatedMember_Answers400NamingItAndChangesNothing(string json, string field)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Once");

        var response = await client.PatchProviderRawAsync(created.Id, json);

        await response.ShouldBeValidationErrorAsync(field);
        (await client.GetProviderAsync(created.Id)).ETag().ShouldBe(created.ETag);
    }

    [Fact]
    public async Task Post_WithAnEmptyJsonBody_Answers400ValidationError()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(string.Empty);

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Post_WithNoBodyAtAll_Answers400ValidationError()
    {
        var client = factory.NewOwner();

        var response = await client.SendJsonAsync(HttpMethod.Post, ProvidersApi.Route, json: null);

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Post_WithAJsonNullBody_Answers400ValidationError()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync("null");

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Patch_WithAnEmptyJsonBody_Answers400ValidationError()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Bodiless");

        var response = await client.PatchProviderRawAsync(created.Id, string.Empty);

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Patch_WithNoBodyAtAll_Answers400ValidationError()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Bodiless");

        var response = await client.SendJsonAsync(HttpMethod.Patch, created.Url, json: null);

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task Post_WithAContentTypeOtherThanJson_Answers415AndStoresNothing(string contentType)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync(ValidBody, contentType);

        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Fact]
    public async Task Patch_WithTextPlain_Answers415AndChangesNothing()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Plain");

        var response = await client.PatchProviderRawAsync(created.Id, """{"name":"Renamed"}""", "text/plain");

        await response.ShouldBeErrorAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        (await client.GetProviderAsync(created.Id)).ETag().ShouldBe(created.ETag);
    }

    [Fact]
    public async Task Post_WithJsonAndACharset_IsAccepted()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(ValidBody, "application/json; charset=utf-8");

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Post_WithABodyOverOneMebibyte_Answers413AndStoresNothing()
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync(BodyOfExactly(OneMebibyte + 1));

        await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Fact]
    public async Task Post_WithABodyOfExactlyOneMebibyte_IsReadAndJudgedOnItsContent()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(BodyOfExactly(OneMebibyte));

        // Within the limit, so it is read: the oversized system prompt is what is wrong with it.
        await response.ShouldBeValidationErrorAsync("configuration.systemPrompt");
    }

    [Fact]
    public async Task Patch_WithABodyOverOneMebibyte_Answers413AndChangesNothing()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Big patch");

        var response = await client.PatchProviderRawAsync(created.Id, "{\"configuration\":{\"systemPrompt\":\"" + new string('p', OneMebibyte) + "\"}}");

        await response.ShouldBeErrorAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        (await client.GetProviderAsync(created.Id)).ETag().ShouldBe(created.ETag);
    }

    [Fact]
    public async Task Post_WithAnApiKeyInAnInvalidBody_NeverEchoesTheKey()
    {
        var client = factory.NewOwner();
        var secret = $"sk-echo-{Guid.NewGuid():N}";

        var unknownField = await client.PostProviderRawAsync("{\"name\":\"Echo\",\"provider\":\"openai\",\"apiKey\":\"" + secret + "\",\"extra\":1}");
        var wrongType = await client.PostProviderRawAsync("{\"name\":5,\"provider\":\"openai\",\"apiKey\":\"" + secret + "\"}");
        var malformed = await client.PostProviderRawAsync("{\"name\":\"Echo\",\"provider\":\"openai\",\"apiKey\":\"" + secret);

        foreach (var response in new[] { unknownField, wrongType, malformed })
        {
            var body = await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            body.ToJsonString().ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task ErrorResponses_OfEveryKind_HaveTheEnvelopeAndNoExceptionText()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Envelope");
        var responses = new List<(string What, HttpResponseMessage Response, HttpStatusCode Status)>
        {
            ("malformed", await client.PostProviderRawAsync("{\"name\":"), HttpStatusCode.BadRequest),
            ("unknown field", await client.PostProviderRawAsync("""{"bogus":1}"""), HttpStatusCode.BadRequest),
            ("wrong type", await client.PatchProviderRawAsync(created.Id, """{"name":5}"""), HttpStatusCode.BadRequest),
            ("deep nesting", await client.PostProviderRawAsync(new string('[', 200) + new string(']', 200)), HttpStatusCode.BadRequest),
            ("deep nesting in configuration", await client.PostProviderRawAsync("{\"configuration\":" + new string('[', 200) + new string(']', 200) + "}"), HttpStatusCode.BadRequest),
            ("invalid UTF-8", await PostBytesAsync(client, [0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]), HttpStatusCode.BadRequest),
            ("media type", await client.PostProviderRawAsync(ValidBody, "text/plain"), HttpStatusCode.UnsupportedMediaType),
            ("too large", await client.PostProviderRawAsync(BodyOfExactly(OneMebibyte + 10)), HttpStatusCode.RequestEntityTooLarge),
            ("not found", await client.GetProviderAsync(Guid.NewGuid().ToString()), HttpStatusCode.NotFound),
            ("bad id", await client.DeleteProviderAsync("nope"), HttpStatusCode.BadRequest),
            ("stale etag", await client.DeleteProviderAsync(created.Id, "\"1\""), HttpStatusCode.PreconditionFailed),
            ("bad query", await client.ListProvidersAsync("limit=abc"), HttpStatusCode.BadRequest),
            ("method", await client.SendJsonAsync(HttpMethod.Put, created.Url, ValidBody), HttpStatusCode.MethodNotAllowed),
        };

        foreach (var (what, response, status) in responses)
        {
            var text = await response.Content.ReadAsStringAsync(Token);
            response.StatusCode.ShouldBe(status, $"{what}: {text}");
            ProvidersApi.ShouldNotLeakInternals(text);
            var body = JsonNode.Parse(text).ShouldNotBeNull(what).AsObject();
            body["success"]!.GetValue<bool>().ShouldBeFalse(what);
            body["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(what);
            body["error"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(what);
            body["statusCode"]!.GetValue<int>().ShouldBe((int)status, what);
        }
    }

    /// <summary>A valid create body padded by its system prompt to exactly <paramref name="size"/> UTF-8 bytes.</summary>
    private static string BodyOfExactly(int size)
    {
        const string Prefix = "{\"name\":\"Huge\",\"provider\":\"openai\",\"apiKey\":\"sk-huge-key-123456\",\"configuration\":{\"systemPrompt\":\"";
        const string Suffix = "\"}}";
        var body = Prefix + new string('p', size - Prefix.Length - Suffix.Length) + Suffix;
        Encoding.UTF8.GetByteCount(body).ShouldBe(size);
        return body;
    }

    private static Task<HttpResponseMessage> PostBytesAsync(HttpClient client, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(ProvidersApi.Json);
        return client.PostAsync(ProvidersApi.Route, content, Token);
    }
}
