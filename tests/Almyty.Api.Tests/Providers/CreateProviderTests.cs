using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

public sealed class CreateProviderTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WithTheMinimalOpenAiBody_Answers201WithLocationETagAndEveryContractField()
    {
        var client = factory.NewOwner();
        var apiKey = ProvidersApi.NewApiKey(lastFour: "Ab3d");
        var before = DateTimeOffset.UtcNow;

        var response = await client.PostProviderAsync(ProvidersApi.Body("OpenAI Production", "openai", apiKey));

        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var body = JsonNode.Parse(text)!.AsObject();
        body["success"]!.GetValue<bool>().ShouldBeTrue();
        var data = body["data"]!.AsObject();
        foreach (var field in ProvidersApi.ContractFields)
        {
            data.ContainsKey(field).ShouldBeTrue($"'{field}' is missing from {text}");
        }

        var id = data["id"]!.GetValue<string>();
        Guid.TryParseExact(id, "D", out _).ShouldBeTrue(id);
        response.Headers.Location.ShouldNotBeNull();
        response.Headers.Location.OriginalString.ShouldEndWith($"/llm-providers/{id}");
        response.ETag().ShouldStartWith("\"");

        data["name"]!.GetValue<string>().ShouldBe("OpenAI Production");
        data["provider"]!.GetValue<string>().ShouldBe("openai");
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o");
        data["baseUrl"]!.GetValue<string>().ShouldBe("https://api.openai.com/v1");
        data["configuration"]!.AsObject().Count.ShouldBe(0);
        data["status"]!.GetValue<string>().ShouldBe("active");
        data["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...Ab3d");
        data["totalCost"]!.GetValue<decimal>().ShouldBe(0m);
        data["totalRequests"]!.GetValue<long>().ShouldBe(0);
        data["totalTokens"]!.GetValue<long>().ShouldBe(0);
        data["lastUsedAt"].ShouldBeNull();
        data["lastTestedAt"].ShouldBeNull();
        data["lastError"].ShouldBeNull();

        var createdAt = data["createdAt"]!.GetValue<string>();
        var updatedAt = data["updatedAt"]!.GetValue<string>();
        createdAt.ShouldEndWith("Z");
        updatedAt.ShouldEndWith("Z");
        var created = DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture);
        created.ShouldBeGreaterThan(before.AddMinutes(-1));
        created.ShouldBeLessThan(DateTimeOffset.UtcNow.AddMinutes(1));
        DateTimeOffset.Parse(updatedAt, CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(created);

        text.ShouldNotContain(apiKey);
        text.ShouldNotContain("apiKey\"", Case.Sensitive);
    }

    [Fact]
    public async Task Create_ThenGetTheLocation_ReturnsTheSameProvider()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderAsync(ProvidersApi.Body("Follow me"));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = (await response.DataAsync()).AsObject();

        var fetched = await client.GetAsync(response.Headers.Location, Token);
        var data = await fetched.OkDataAsync();
        data["id"]!.GetValue<string>().ShouldBe(created["id"]!.GetValue<string>());
        data.ToJsonString().ShouldBe(created.ToJsonString());
    }

    [Fact]
    public async Task Create_AnAnthropicProviderWithoutModelOrBaseUrl_DefaultsToClaudeSonnetAndTheAnthropicHostRoot()
    {
        var client = factory.NewOwner();

        var created = await client.CreateProviderAsync("Claude", "anthropic");

        created.Data["provider"]!.GetValue<string>().ShouldBe("anthropic");
        created.Data["model"]!.GetValue<string>().ShouldBe("claude-sonnet-4-6");
        created.Data["baseUrl"]!.GetValue<string>().ShouldBe("https://api.anthropic.com");
        created.Data["status"]!.GetValue<string>().ShouldBe("active");
    }

    [Fact]
    public async Task Create_WithEveryOptionalMember_EchoesModelBaseUrlAndEveryConfigurationKey()
    {
        var client = factory.NewOwner();
        var body = ProvidersApi.Body("Self-hosted", "custom")
            .With("model", "llama-3.1-70b")
            .With("baseUrl", "https://llm.example.com/v1")
            .With("configuration", new JsonObject
            {
                ["temperature"] = 0.7,
                ["maxTokens"] = 4096,
                ["topP"] = 0.9,
                ["systemPrompt"] = "You are terse.",
                ["stop"] = new JsonArray("END", "STOP"),
                ["timeoutSeconds"] = 30,
                ["inputCostPer1M"] = 2.5,
                ["outputCostPer1M"] = 10,
            });

        var created = await client.CreateProviderAsync(body);

        created.Data["provider"]!.GetValue<string>().ShouldBe("custom");
        created.Data["model"]!.GetValue<string>().ShouldBe("llama-3.1-70b");
        created.Data["baseUrl"]!.GetValue<string>().ShouldBe("https://llm.example.com/v1");
        var configuration = created.Data["configuration"]!.AsObject();
        configuration["temperature"]!.GetValue<double>().ShouldBe(0.7);
        configuration["maxTokens"]!.GetValue<int>().ShouldBe(4096);
        configuration["topP"]!.GetValue<double>().ShouldBe(0.9);
        configuration["systemPrompt"]!.GetValue<string>().ShouldBe("You are terse.");
        configuration["stop"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["END", "STOP"]);
        configuration["timeoutSeconds"]!.GetValue<int>().ShouldBe(30);
        configuration["inputCostPer1M"]!.GetValue<decimal>().ShouldBe(2.5m);
        configuration["outputCostPer1M"]!.GetValue<decimal>().ShouldBe(10m);

        var fetched = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        fetched["configuration"]!.ToJsonString().ShouldBe(configuration.ToJsonString());
    }

    [Fact]
    public async Task Create_WithANameSurroundedByWhitespace_StoresItTrimmed()
    {
        var client = factory.NewOwner();

        var created = await client.CreateProviderAsync(ProvidersApi.Body("   Trimmed Name   "));

        created.Data["name"]!.GetValue<string>().ShouldBe("Trimmed Name");
        var fetched = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        fetched["name"]!.GetValue<string>().ShouldBe("Trimmed Name");
    }

    [Fact]
    public async Task Create_WithAHundredCharacterNamePaddedByWhitespace_AcceptsItBecauseTheLimitAppliesAfterTrimming()
    {
        var client = factory.NewOwner();
        var name = new string('n', 100);

        var created = await client.CreateProviderAsync(ProvidersApi.Body($"   {name}   "));

        created.Data["name"]!.GetValue<string>().ShouldBe(name);
    }

    [Fact]
    public async Task Create_WithAHundredEmojiName_CountsCharactersNotUtf16UnitsAndStoresThemWhole()
    {
        var client = factory.NewOwner();
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 100));

        var created = await client.CreateProviderAsync(ProvidersApi.Body(name));
        using var tooLong = await client.PostProviderAsync(ProvidersApi.Body(name + "\U0001F600"));
        using var stored = await client.GetProviderAsync(created.Id);

        created.Data["name"]!.GetValue<string>().ShouldBe(name);
        (await stored.OkDataAsync())["name"]!.GetValue<string>().ShouldBe(name);
        await tooLong.ShouldBeValidationErrorAsync("name");
    }

    [Theory]
    [InlineData("https://llm.example.com/v1/", "https://llm.example.com/v1")]
    [InlineData("https://llm.example.com/v1", "https://llm.example.com/v1")]
    [InlineData("https://llm.example.com", "https://llm.example.com")]
    [InlineData("https://llm.example.com/", "https://llm.example.com")]
    [InlineData("https://llm.example.com:8443", "https://llm.example.com:8443")]
    [InlineData("https://llm.example.com/?api-version=1", "https://llm.example.com?api-version=1")]
    [InlineData("https://llm.example.com/v1/?api-version=1", "https://llm.example.com/v1?api-version=1")]
    public async Task Create_BaseUrl_IsAnsweredWithoutATrailingSlashTheSameWayOnEveryRead(string sent, string answered)
    {
        var client = factory.NewOwner();

        var created = await client.CreateProviderAsync(ProvidersApi.Body("Slash", "custom").With("baseUrl", sent));
        using var read = await client.GetProviderAsync(created.Id);
        using var list = await client.GetAsync(new Uri("/llm-providers", UriKind.Relative), TestContext.Current.CancellationToken);

        created.Data["baseUrl"]!.GetValue<string>().ShouldBe(answered);
        (await read.OkDataAsync())["baseUrl"]!.GetValue<string>().ShouldBe(answered);
        (await list.OkDataAsync())["providers"]!.AsArray().Single()!["baseUrl"]!.GetValue<string>().ShouldBe(answered);
    }

    /// <summary>Bodies at the edges of every range, each of which the contract allows.</summary>
    public static TheoryData<string, string> BoundaryBodies => new()
    {
        { "one-character name", """{"name":"x","provider":"openai","apiKey":"sk-valid-key-123456"}""" },
        { "one-character apiKey", """{"name":"n","provider":"openai","apiKey":"k"}""" },
        { "512-character apiKey", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"" + new string('k', 512) + "\"}" },
        { "200-character model", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"k\",\"model\":\"" + new string('m', 200) + "\"}" },
        { "http baseUrl", """{"name":"n","provider":"custom","apiKey":"k","baseUrl":"http://llm.example.com/v1"}""" },
        { "public IP literal baseUrl", """{"name":"n","provider":"custom","apiKey":"k","baseUrl":"https://8.8.8.8/v1"}""" },
        { "openai baseUrl override", """{"name":"n","provider":"openai","apiKey":"k","baseUrl":"https://proxy.example.com/openai/v1"}""" },
        { "temperature 0", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"temperature":0}}""" },
        { "temperature 2 for openai", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"temperature":2}}""" },
        { "temperature 2 for custom", """{"name":"n","provider":"custom","apiKey":"k","baseUrl":"https://llm.example.com/v1","configuration":{"temperature":2}}""" },
        { "temperature 1 for anthropic", """{"name":"n","provider":"anthropic","apiKey":"k","configuration":{"temperature":1}}""" },
        { "maxTokens 1", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"maxTokens":1}}""" },
        { "maxTokens 1,000,000", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"maxTokens":1000000}}""" },
        { "topP 0", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"topP":0}}""" },
        { "topP 1", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"topP":1}}""" },
        { "systemPrompt of 32,000 characters", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"k\",\"configuration\":{\"systemPrompt\":\"" + new string('p', 32_000) + "\"}}" },
        { "empty stop list", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"stop":[]}}""" },
        { "four stop strings", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"stop":["a","b","c","d"]}}""" },
        { "timeoutSeconds 1", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"timeoutSeconds":1}}""" },
        { "timeoutSeconds 600", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"timeoutSeconds":600}}""" },
        { "zero price overrides", """{"name":"n","provider":"openai","apiKey":"k","configuration":{"inputCostPer1M":0,"outputCostPer1M":0}}""" },
        { "explicit null optionals", """{"name":"n","provider":"openai","apiKey":"k","model":null,"baseUrl":null,"configuration":null}""" },
        { "empty configuration", """{"name":"n","provider":"openai","apiKey":"k","configuration":{}}""" },
    };

    [Theory]
    [MemberData(nameof(BoundaryBodies))]
    public async Task Create_WithAValueAtTheEdgeOfItsRange_Answers201(string edge, string json)
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(json);

        response.StatusCode.ShouldBe(HttpStatusCode.Created, $"{edge}: {await response.Content.ReadAsStringAsync(Token)}");
    }

    /// <summary>Each body breaks exactly one rule of the contract; the answer must name exactly that field.</summary>
    public static TheoryData<string, string, string> InvalidBodies => new()
    {
        { "name missing", """{"provider":"openai","apiKey":"sk-valid-key-123456"}""", "name" },
        { "name null", """{"name":null,"provider":"openai","apiKey":"sk-valid-key-123456"}""", "name" },
        { "name empty", """{"name":"","provider":"openai","apiKey":"sk-valid-key-123456"}""", "name" },
        { "name only whitespace", """{"name":"  \t  ","provider":"openai","apiKey":"sk-valid-key-123456"}""", "name" },
        { "name of 101 characters", "{\"name\":\"" + new string('n', 101) + "\",\"provider\":\"openai\",\"apiKey\":\"sk-valid-key-123456\"}", "name" },
        { "provider missing", """{"name":"n","apiKey":"sk-valid-key-123456"}""", "provider" },
        { "provider null", """{"name":"n","provider":null,"apiKey":"sk-valid-key-123456"}""", "provider" },
        { "provider unknown", """{"name":"n","provider":"gemini","apiKey":"sk-valid-key-123456"}""", "provider" },
        { "provider empty", """{"name":"n","provider":"","apiKey":"sk-valid-key-123456"}""", "provider" },
        { "custom without baseUrl", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456"}""", "baseUrl" },
        { "custom with null baseUrl", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":null}""", "baseUrl" },
        { "apiKey missing", """{"name":"n","provider":"openai"}""", "apiKey" },
        { "apiKey null", """{"name":"n","provider":"openai","apiKey":null}""", "apiKey" },
        { "apiKey empty", """{"name":"n","provider":"openai","apiKey":""}""", "apiKey" },
        { "apiKey of 513 characters", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"" + new string('k', 513) + "\"}", "apiKey" },
        { "apiKey with a space", """{"name":"n","provider":"openai","apiKey":"sk-valid key-123456"}""", "apiKey" },
        { "apiKey with a leading space", """{"name":"n","provider":"openai","apiKey":" sk-valid-key-123456"}""", "apiKey" },
        { "apiKey with a trailing newline", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456\n"}""", "apiKey" },
        { "apiKey with a tab", """{"name":"n","provider":"openai","apiKey":"sk-valid\tkey-123456"}""", "apiKey" },
        { "apiKey with a control character", """{"name":"n","provider":"openai","apiKey":"sk-valid\u0001key-123456"}""", "apiKey" },
        { "apiKey with a NUL", """{"name":"n","provider":"openai","apiKey":"sk-valid\u0000key-123456"}""", "apiKey" },
        { "apiKey with a no-break space", """{"name":"n","provider":"openai","apiKey":"sk-valid\u00a0key-123456"}""", "apiKey" },
        { "model of 201 characters", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"sk-valid-key-123456\",\"model\":\"" + new string('m', 201) + "\"}", "model" },
        { "baseUrl not a URL", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"not a url"}""", "baseUrl" },
        { "baseUrl relative", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"/v1"}""", "baseUrl" },
        { "baseUrl without scheme", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"llm.example.com/v1"}""", "baseUrl" },
        { "baseUrl ftp", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"ftp://llm.example.com/v1"}""", "baseUrl" },
        { "baseUrl file", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"file:///etc/passwd"}""", "baseUrl" },
        { "baseUrl javascript", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"javascript:alert(1)"}""", "baseUrl" },
        { "baseUrl with user-info", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"https://user:secret@llm.example.com/v1"}""", "baseUrl" },
        { "baseUrl with a user name only", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"https://user@llm.example.com/v1"}""", "baseUrl" },
        { "baseUrl with a fragment", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"https://llm.example.com/v1#part"}""", "baseUrl" },
        { "baseUrl with an empty fragment", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":"https://llm.example.com/v1#"}""", "baseUrl" },
        { "baseUrl empty", """{"name":"n","provider":"custom","apiKey":"sk-valid-key-123456","baseUrl":""}""", "baseUrl" },
        { "baseUrl on an openai provider not a URL", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","baseUrl":"nope"}""", "baseUrl" },
        { "temperature below 0", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"temperature":-0.1}}""", "configuration.temperature" },
        { "temperature above 2", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"temperature":2.01}}""", "configuration.temperature" },
        { "temperature above 1 for anthropic", """{"name":"n","provider":"anthropic","apiKey":"sk-valid-key-123456","configuration":{"temperature":1.01}}""", "configuration.temperature" },
        { "temperature 2 for anthropic", """{"name":"n","provider":"anthropic","apiKey":"sk-valid-key-123456","configuration":{"temperature":2}}""", "configuration.temperature" },
        { "temperature beyond double", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"temperature":1e400}}""", "configuration.temperature" },
        { "maxTokens 0", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"maxTokens":0}}""", "configuration.maxTokens" },
        { "stop with a number in it", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"stop":["a",3]}}""", "configuration.stop[1]" },
        { "maxTokens negative", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"maxTokens":-5}}""", "configuration.maxTokens" },
        { "maxTokens 1,000,001", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"maxTokens":1000001}}""", "configuration.maxTokens" },
        { "maxTokens beyond int", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"maxTokens":99999999999}}""", "configuration.maxTokens" },
        { "maxTokens fractional", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"maxTokens":10.5}}""", "configuration.maxTokens" },
        { "topP below 0", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"topP":-0.01}}""", "configuration.topP" },
        { "topP above 1", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"topP":1.01}}""", "configuration.topP" },
        { "systemPrompt of 32,001 characters", "{\"name\":\"n\",\"provider\":\"openai\",\"apiKey\":\"sk-valid-key-123456\",\"configuration\":{\"systemPrompt\":\"" + new string('p', 32_001) + "\"}}", "configuration.systemPrompt" },
        { "five stop strings", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"stop":["a","b","c","d","e"]}}""", "configuration.stop" },
        { "timeoutSeconds 0", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"timeoutSeconds":0}}""", "configuration.timeoutSeconds" },
        { "timeoutSeconds 601", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"timeoutSeconds":601}}""", "configuration.timeoutSeconds" },
        { "negative inputCostPer1M", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"inputCostPer1M":-1}}""", "configuration.inputCostPer1M" },
        { "negative outputCostPer1M", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"outputCostPer1M":-0.01}}""", "configuration.outputCostPer1M" },
        { "unknown configuration key", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"frequencyPenalty":0.5}}""", "configuration.frequencyPenalty" },
        { "snake_case configuration key", """{"name":"n","provider":"openai","apiKey":"sk-valid-key-123456","configuration":{"max_tokens":100}}""", "configuration.max_tokens" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Create_WithABodyThatBreaksOneRule_Answers400NamingThatFieldAndStoresNothing(string rule, string json, string field)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderRawAsync(json);

        var body = await response.ShouldBeValidationErrorAsync(field);
        body["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(rule);
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0, rule);
    }

    [Fact]
    public async Task Create_WithSeveralInvalidFields_NamesEachOfThem()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderRawAsync(
            "{\"name\":\"\",\"provider\":\"gemini\",\"apiKey\":\"has space\",\"model\":\"" + new string('m', 201)
            + "\",\"configuration\":{\"topP\":2,\"timeoutSeconds\":0}}");

        await response.ShouldBeValidationErrorAsync("name", "provider", "apiKey", "model", "configuration.topP", "configuration.timeoutSeconds");
    }

    [Fact]
    public async Task Create_WithAnInvalidApiKey_DoesNotEchoTheKeyInTheError()
    {
        var client = factory.NewOwner();
        var secret = $"sk-leak-{Guid.NewGuid():N}";

        var response = await client.PostProviderAsync(ProvidersApi.Body("Leaky", "openai", $"{secret} tail"));

        var body = await response.ShouldBeValidationErrorAsync("apiKey");
        body.ToJsonString().ShouldNotContain(secret);
    }

    [Fact]
    public async Task Create_DoesNotWriteTheApiKeyToAnyLogLine()
    {
        var client = factory.NewOwner();
        var apiKey = ProvidersApi.NewApiKey();

        await client.CreateProviderAsync(ProvidersApi.Body("Logged", "openai", apiKey));
        var duplicate = await client.PostProviderAsync(ProvidersApi.Body("Logged", "openai", apiKey));
        await duplicate.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");

        var lines = factory.Logs.GetSnapshot();
        lines.Count.ShouldBeGreaterThan(0);
        lines.ShouldAllBe(record => !record.Message.Contains(apiKey) && (record.Exception == null || !record.Exception.ToString().Contains(apiKey)));
    }

    [Theory]
    [InlineData("Production", "Production")]
    [InlineData("Production", "PRODUCTION")]
    [InlineData("Production", "production")]
    [InlineData("Production", "  production  ")]
    [InlineData("Émile Prod", "ÉMILE PROD")]
    public async Task Create_WithANameAlreadyTakenInTheOrganizationIgnoringCase_Answers409Conflict(string first, string second)
    {
        var client = factory.NewOwner(out var organization);
        var original = await client.CreateProviderAsync(first);

        var response = await client.PostProviderAsync(ProvidersApi.Body(second, "anthropic"));

        await response.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(1);
        var stored = await (await client.GetProviderAsync(original.Id)).OkDataAsync();
        stored["name"]!.GetValue<string>().ShouldBe(first);
        stored["provider"]!.GetValue<string>().ShouldBe("openai");
    }

    [Fact]
    public async Task Create_WithANameUsedInAnotherOrganization_Succeeds()
    {
        var first = factory.NewOwner();
        var second = factory.NewOwner();
        var original = await first.CreateProviderAsync("Shared Name");

        var copy = await second.CreateProviderAsync("shared name");

        copy.Id.ShouldNotBe(original.Id);
        copy.Data["name"]!.GetValue<string>().ShouldBe("shared name");
        (await (await first.GetProviderAsync(original.Id)).OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Shared Name");
        (await (await second.GetProviderAsync(copy.Id)).OkDataAsync())["name"]!.GetValue<string>().ShouldBe("shared name");
    }

    [Fact]
    public async Task Create_WithADifferentNameInTheSameOrganization_Succeeds()
    {
        var client = factory.NewOwner(out var organization);
        await client.CreateProviderAsync("Production");

        var second = await client.CreateProviderAsync("Production 2");

        second.Data["name"]!.GetValue<string>().ShouldBe("Production 2");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(2);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/v1")]
    [InlineData("http://127.8.9.10/v1")]
    [InlineData("http://10.1.2.3/v1")]
    [InlineData("http://172.16.0.5/v1")]
    [InlineData("http://172.31.255.254/v1")]
    [InlineData("http://192.168.1.10/v1")]
    [InlineData("http://100.64.0.1/v1")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://169.254.170.2/v2")]
    [InlineData("http://169.254.1.1/v1")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://168.63.129.16/")]
    [InlineData("http://0.0.0.0/v1")]
    [InlineData("http://224.0.0.1/v1")]
    [InlineData("http://[::1]:8080/v1")]
    [InlineData("http://[::]/v1")]
    [InlineData("http://[::ffff:127.0.0.1]/v1")]
    [InlineData("http://[::ffff:169.254.169.254]/v1")]
    [InlineData("http://[::ffff:10.0.0.1]/v1")]
    [InlineData("http://[::ffff:0:127.0.0.1]:5610/v1")]
    [InlineData("http://[64:ff9b:1::7f00:1]:5610/v1")]
    [InlineData("http://[fd00:ec2::254]/v1")]
    [InlineData("http://[fe80::1]/v1")]
    [InlineData("http://[fc00::1]/v1")]
    [InlineData("http://2130706433/v1")]
    [InlineData("http://0x7f000001/v1")]
    [InlineData("http://127.1/v1")]
    [InlineData("http://localhost/v1")]
    [InlineData("http://localhost:11434/v1")]
    [InlineData("http://LOCALHOST/v1")]
    [InlineData("http://localhost./v1")]
    [InlineData("http://api.localhost/v1")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1")]
    public async Task Create_WithABaseUrlTheEgressPolicyRefuses_Answers400EgressBlockedAndStoresNothing(string baseUrl)
    {
        var client = factory.NewOwner(out var organization);

        var response = await client.PostProviderAsync(ProvidersApi.Body("Internal", "custom").With("baseUrl", baseUrl));

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED", "baseUrl");
        (await factory.StoredProviderCountAsync(organization)).ShouldBe(0);
    }

    [Fact]
    public async Task Create_AnOpenAiProviderWithALoopbackBaseUrl_IsRefusedToo()
    {
        var client = factory.NewOwner();

        var response = await client.PostProviderAsync(ProvidersApi.Body("Loopback", "openai").With("baseUrl", "http://127.0.0.1/v1"));

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED", "baseUrl");
    }
}
