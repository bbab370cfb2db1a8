using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Providers;

public sealed class UpdateProviderTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject FullBody(string name) => ProvidersApi.Body(name, "openai", ProvidersApi.NewApiKey(lastFour: "1111"))
        .With("model", "gpt-4o")
        .With("baseUrl", "https://proxy.example.com/v1")
        .With("configuration", new JsonObject
        {
            ["temperature"] = 0.5,
            ["maxTokens"] = 1000,
            ["systemPrompt"] = "Be brief.",
            ["stop"] = new JsonArray("END"),
        });

    [Fact]
    public async Task Patch_WithOneField_ChangesOnlyThatField()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Original"));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["model"] = "gpt-4o-mini" });

        var data = await response.OkDataAsync();
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
        foreach (var field in new[] { "id", "name", "provider", "baseUrl", "configuration", "status", "apiKeyHint", "totalCost", "totalRequests", "totalTokens", "lastUsedAt", "lastTestedAt", "lastError", "createdAt" })
        {
            data[field]?.ToJsonString().ShouldBe(created.Data[field]?.ToJsonString(), field);
        }

        var updatedAt = DateTimeOffset.Parse(data["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        updatedAt.ShouldBeGreaterThanOrEqualTo(DateTimeOffset.Parse(created.Data["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture));

        var fetched = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        fetched.ToJsonString().ShouldBe(data.ToJsonString());
    }

    [Fact]
    public async Task Patch_WithAnEmptyObject_ChangesNothingTheClientSees()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Untouched"));

        var data = await (await client.PatchProviderAsync(created.Id, new JsonObject())).OkDataAsync();

        foreach (var field in ProvidersApi.ContractFields.Where(f => f != "updatedAt"))
        {
            data[field]?.ToJsonString().ShouldBe(created.Data[field]?.ToJsonString(), field);
        }
    }

    [Fact]
    public async Task Patch_EveryWritableField_ChangesEachOfThem()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Before"));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject
        {
            ["name"] = "  After  ",
            ["provider"] = "custom",
            ["apiKey"] = ProvidersApi.NewApiKey(lastFour: "2222"),
            ["model"] = "mistral-large",
            ["baseUrl"] = "https://llm.example.com/v1",
            ["status"] = "inactive",
        });

        var data = await response.OkDataAsync();
        data["name"]!.GetValue<string>().ShouldBe("After");
        data["provider"]!.GetValue<string>().ShouldBe("custom");
        data["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...2222");
        data["model"]!.GetValue<string>().ShouldBe("mistral-large");
        data["baseUrl"]!.GetValue<string>().ShouldBe("https://llm.example.com/v1");
        data["status"]!.GetValue<string>().ShouldBe("inactive");
        data["configuration"]!.ToJsonString().ShouldBe(created.Data["configuration"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_Configuration_MergesKeyByKeyAndRemovesKeysSetToNull()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Merging"));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject
        {
            ["configuration"] = new JsonObject
            {
                ["maxTokens"] = 2000,
                ["topP"] = 0.9,
                ["systemPrompt"] = null,
            },
        });

        var configuration = (await response.OkDataAsync())["configuration"]!.AsObject();
        configuration["temperature"]!.GetValue<double>().ShouldBe(0.5);
        configuration["maxTokens"]!.GetValue<int>().ShouldBe(2000);
        configuration["topP"]!.GetValue<double>().ShouldBe(0.9);
        configuration["systemPrompt"].ShouldBeNull();
        configuration["stop"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["END"]);

        var stored = (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["configuration"]!;
        stored.ToJsonString().ShouldBe(configuration.ToJsonString());
    }

    [Fact]
    public async Task Patch_ConfigurationStop_ReplacesTheWholeList()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Stops"));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject
        {
            ["configuration"] = new JsonObject { ["stop"] = new JsonArray("A", "B") },
        });

        var configuration = (await response.OkDataAsync())["configuration"]!.AsObject();
        configuration["stop"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["A", "B"]);
        configuration["temperature"]!.GetValue<double>().ShouldBe(0.5);
    }

    [Fact]
    public async Task Patch_ConfigurationNull_RemovesEveryKey()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Clearing"));

        var response = await client.PatchProviderRawAsync(created.Id, """{"configuration":null}""");

        var data = await response.OkDataAsync();
        var configuration = data["configuration"].ShouldNotBeNull().AsObject();
        foreach (var key in ProvidersApi.ConfigurationKeys)
        {
            configuration[key].ShouldBeNull(key);
        }

        data["name"]!.GetValue<string>().ShouldBe("Clearing");
        var stored = (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["configuration"]!.AsObject();
        ProvidersApi.ConfigurationKeys.ShouldAllBe(key => stored[key] == null);
    }

    [Fact]
    public async Task Patch_AnEmptyConfigurationObject_KeepsEveryKey()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Empty patch"));

        var data = await (await client.PatchProviderRawAsync(created.Id, """{"configuration":{}}""")).OkDataAsync();

        data["configuration"]!.ToJsonString().ShouldBe(created.Data["configuration"]!.ToJsonString());
    }

    [Fact]
    public async Task Patch_ANewApiKey_ChangesTheHintAndIsNeverEchoed()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Rotating"));
        created.Data["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...1111");
        var newKey = ProvidersApi.NewApiKey(lastFour: "9Zz9");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["apiKey"] = newKey });

        var text = await response.Content.ReadAsStringAsync(Token);
        var data = await response.OkDataAsync();
        data["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...9Zz9");
        text.ShouldNotContain(newKey);
        var fetched = await client.GetProviderAsync(created.Id);
        (await fetched.OkDataAsync())["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-...9Zz9");
    }

    [Fact]
    public async Task Patch_StatusToInactiveAndBackToActive_IsAllowed()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Switchable");

        var disabled = await (await client.PatchProviderAsync(created.Id, new JsonObject { ["status"] = "inactive" })).OkDataAsync();
        var stored = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        var enabled = await (await client.PatchProviderAsync(created.Id, new JsonObject { ["status"] = "active" })).OkDataAsync();

        disabled["status"]!.GetValue<string>().ShouldBe("inactive");
        stored["status"]!.GetValue<string>().ShouldBe("inactive");
        enabled["status"]!.GetValue<string>().ShouldBe("active");
    }

    [Theory]
    [InlineData("\"error\"")]
    [InlineData("\"disabled\"")]
    [InlineData("\"deleted\"")]
    [InlineData("\"\"")]
    [InlineData("null")]
    public async Task Patch_StatusToAValueClientsMayNotSet_Answers400NamingStatusAndChangesNothing(string status)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Status guarded");

        var response = await client.PatchProviderRawAsync(created.Id, "{\"status\":" + status + ",\"name\":\"Renamed\"}");

        await response.ShouldBeValidationErrorAsync("status");
        var stored = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        stored["status"]!.GetValue<string>().ShouldBe("active");
        stored["name"]!.GetValue<string>().ShouldBe("Status guarded");
    }

    [Fact]
    public async Task Patch_NameOntoAnotherProvidersNameIgnoringCase_Answers409AndChangesNothing()
    {
        var client = factory.NewOwner();
        await client.CreateProviderAsync("Taken");
        var other = await client.CreateProviderAsync("Free");

        var response = await client.PatchProviderAsync(other.Id, new JsonObject { ["name"] = " TAKEN " });

        await response.ShouldBeErrorAsync(HttpStatusCode.Conflict, "CONFLICT");
        var stored = await client.GetProviderAsync(other.Id);
        stored.ETag().ShouldBe(other.ETag);
        (await stored.OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Free");
    }

    [Fact]
    public async Task Patch_NameToItsOwnNameInAnotherCase_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Casing");

        var data = await (await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "CASING" })).OkDataAsync();

        data["name"]!.GetValue<string>().ShouldBe("CASING");
    }

    [Fact]
    public async Task Patch_NameToTheNameOfAProviderInAnotherOrganization_Succeeds()
    {
        var elsewhere = factory.NewOwner();
        await elsewhere.CreateProviderAsync("Everyone wants this");
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Mine");

        var data = await (await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Everyone wants this" })).OkDataAsync();

        data["name"]!.GetValue<string>().ShouldBe("Everyone wants this");
    }

    [Fact]
    public async Task Patch_ProviderToCustomWithoutABaseUrl_Answers400NamingBaseUrlAndChangesNothing()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Was OpenAI");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["provider"] = "custom" });

        await response.ShouldBeValidationErrorAsync("baseUrl");
        var stored = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        stored["provider"]!.GetValue<string>().ShouldBe("openai");
    }

    [Fact]
    public async Task Patch_ProviderToCustomTogetherWithABaseUrl_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Going custom");

        var data = await (await client.PatchProviderAsync(created.Id, new JsonObject
        {
            ["provider"] = "custom",
            ["baseUrl"] = "https://llm.example.com/v1",
        })).OkDataAsync();

        data["provider"]!.GetValue<string>().ShouldBe("custom");
        data["baseUrl"]!.GetValue<string>().ShouldBe("https://llm.example.com/v1");
    }

    [Fact]
    public async Task Patch_BaseUrlToNullOnACustomProvider_Answers400NamingBaseUrl()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(ProvidersApi.Body("Custom", "custom").With("baseUrl", "https://llm.example.com/v1"));

        var response = await client.PatchProviderRawAsync(created.Id, """{"baseUrl":null}""");

        await response.ShouldBeValidationErrorAsync("baseUrl");
        var stored = await (await client.GetProviderAsync(created.Id)).OkDataAsync();
        stored["baseUrl"]!.GetValue<string>().ShouldBe("https://llm.example.com/v1");
    }

    [Fact]
    public async Task Patch_BaseUrlToNullOnAnOpenAiProvider_FallsBackToTheDefault()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Proxy"));
        created.Data["baseUrl"]!.GetValue<string>().ShouldBe("https://proxy.example.com/v1");

        var data = await (await client.PatchProviderRawAsync(created.Id, """{"baseUrl":null}""")).OkDataAsync();

        data["baseUrl"]!.GetValue<string>().ShouldBe("https://api.openai.com/v1");
    }

    [Fact]
    public async Task Patch_ProviderToAnthropicWhileTheTemperatureIsAbove1_Answers400NamingTheTemperature()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(ProvidersApi.Body("Hot").With("configuration", new JsonObject { ["temperature"] = 1.5 }));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["provider"] = "anthropic" });

        await response.ShouldBeValidationErrorAsync("configuration.temperature");
        (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["provider"]!.GetValue<string>().ShouldBe("openai");
    }

    [Fact]
    public async Task Patch_TemperatureAbove1OnAnAnthropicProvider_Answers400NamingTheTemperature()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Claude", "anthropic");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["configuration"] = new JsonObject { ["temperature"] = 1.2 } });

        await response.ShouldBeValidationErrorAsync("configuration.temperature");
    }

    /// <summary>Each patch breaks exactly one rule; the answer names that field and the provider stays as it was.</summary>
    public static TheoryData<string, string> InvalidPatches => new()
    {
        { """{"name":""}""", "name" },
        { """{"name":"   "}""", "name" },
        { """{"name":null}""", "name" },
        { "{\"name\":\"" + new string('n', 101) + "\"}", "name" },
        { """{"provider":"gemini"}""", "provider" },
        { """{"provider":null}""", "provider" },
        { """{"apiKey":""}""", "apiKey" },
        { """{"apiKey":null}""", "apiKey" },
        { """{"apiKey":"sk-with space-123456"}""", "apiKey" },
        { """{"apiKey":"sk-with\u0007bell-123456"}""", "apiKey" },
        { "{\"apiKey\":\"" + new string('k', 513) + "\"}", "apiKey" },
        { "{\"model\":\"" + new string('m', 201) + "\"}", "model" },
        { """{"baseUrl":"ftp://llm.example.com/v1"}""", "baseUrl" },
        { """{"baseUrl":"https://user:pw@llm.example.com/v1"}""", "baseUrl" },
        { """{"baseUrl":"https://llm.example.com/v1#x"}""", "baseUrl" },
        { """{"baseUrl":"relative/v1"}""", "baseUrl" },
        { """{"configuration":{"temperature":2.5}}""", "configuration.temperature" },
        { """{"configuration":{"temperature":-1}}""", "configuration.temperature" },
        { """{"configuration":{"maxTokens":0}}""", "configuration.maxTokens" },
        { """{"configuration":{"maxTokens":1000001}}""", "configuration.maxTokens" },
        { """{"configuration":{"topP":1.5}}""", "configuration.topP" },
        { "{\"configuration\":{\"systemPrompt\":\"" + new string('p', 32_001) + "\"}}", "configuration.systemPrompt" },
        { """{"configuration":{"stop":["1","2","3","4","5"]}}""", "configuration.stop" },
        { """{"configuration":{"stop":["a",3]}}""", "configuration.stop[1]" },
        { """{"configuration":{"timeoutSeconds":601}}""", "configuration.timeoutSeconds" },
        { """{"configuration":{"inputCostPer1M":-2}}""", "configuration.inputCostPer1M" },
        { """{"configuration":{"outputCostPer1M":-2}}""", "configuration.outputCostPer1M" },
        { """{"configuration":{"presencePenalty":1}}""", "configuration.presencePenalty" },
    };

    [Theory]
    [MemberData(nameof(InvalidPatches))]
    public async Task Patch_ThatBreaksOneRule_Answers400NamingThatFieldAndChangesNothing(string json, string field)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(FullBody("Guarded"));

        var response = await client.PatchProviderRawAsync(created.Id, json);

        await response.ShouldBeValidationErrorAsync(field);
        var stored = await client.GetProviderAsync(created.Id);
        stored.ETag().ShouldBe(created.ETag);
        (await stored.OkDataAsync()).ToJsonString().ShouldBe(created.Data.ToJsonString());
    }

    [Theory]
    [InlineData("http://127.0.0.1/v1")]
    [InlineData("http://192.168.0.10:8000/v1")]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://[::1]/v1")]
    [InlineData("http://localhost:8080/v1")]
    public async Task Patch_BaseUrlTheEgressPolicyRefuses_Answers400EgressBlockedAndChangesNothing(string baseUrl)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync(ProvidersApi.Body("Public", "custom").With("baseUrl", "https://llm.example.com/v1"));

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["baseUrl"] = baseUrl });

        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "EGRESS_BLOCKED", "baseUrl");
        (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["baseUrl"]!.GetValue<string>().ShouldBe("https://llm.example.com/v1");
    }

    [Fact]
    public async Task Patch_Answers200WithANewETagThatGetThenReports()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Versioned");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["model"] = "gpt-4o-mini" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var etag = response.ETag();
        etag.ShouldNotBe(created.ETag);
        (await client.GetProviderAsync(created.Id)).ETag().ShouldBe(etag);
    }

    [Fact]
    public async Task Patch_WithIfMatchOfTheCurrentETag_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Conditional");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Conditional 2" }, ifMatch: created.ETag);

        (await response.OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Conditional 2");
    }

    [Fact]
    public async Task Patch_WithIfMatchOfAStaleETag_Answers412AndChangesNothing()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Contended");
        var first = await client.PatchProviderAsync(created.Id, new JsonObject { ["model"] = "gpt-4o-mini" }, ifMatch: created.ETag);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var current = first.ETag();

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Lost update", ["model"] = "o3" }, ifMatch: created.ETag);

        await response.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        var stored = await client.GetProviderAsync(created.Id);
        stored.ETag().ShouldBe(current);
        var data = await stored.OkDataAsync();
        data["name"]!.GetValue<string>().ShouldBe("Contended");
        data["model"]!.GetValue<string>().ShouldBe("gpt-4o-mini");
    }

    [Theory]
    [InlineData("\"0\"")]
    [InlineData("\"not-a-version\"")]
    public async Task Patch_WithIfMatchThatMatchesNoVersion_Answers412(string ifMatch)
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Never matches");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Changed" }, ifMatch);

        await response.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
        (await (await client.GetProviderAsync(created.Id)).OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Never matches");
    }

    [Fact]
    public async Task Patch_WithIfMatchOfTheWeakFormOfTheCurrentETag_Answers412BecauseIfMatchComparesStrongly()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Weak");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Changed" }, ifMatch: $"W/{created.ETag}");

        await response.ShouldBeErrorAsync(HttpStatusCode.PreconditionFailed, "PRECONDITION_FAILED");
    }

    [Fact]
    public async Task Patch_WithIfMatchListingTheCurrentETagAmongOthers_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Listed tags");

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Changed" }, ifMatch: $"\"1\", {created.ETag}");

        (await response.OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Changed");
    }

    [Fact]
    public async Task Patch_WithIfMatchStar_Succeeds()
    {
        var client = factory.NewOwner();
        var created = await client.CreateProviderAsync("Any version");
        (await client.PatchProviderAsync(created.Id, new JsonObject { ["model"] = "o1" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await client.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Any version 2" }, ifMatch: "*");

        (await response.OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Any version 2");
    }

    [Fact]
    public async Task Patch_AnIdThatDoesNotExist_Answers404()
    {
        var client = factory.NewOwner();

        var response = await client.PatchProviderAsync(Guid.NewGuid().ToString(), new JsonObject { ["name"] = "Ghost" });

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Patch_AProviderOfAnotherOrganization_Answers404AndChangesNothing()
    {
        var owner = factory.NewOwner();
        var created = await owner.CreateProviderAsync("Not yours");
        var stranger = factory.NewOwner();

        var response = await stranger.PatchProviderAsync(created.Id, new JsonObject { ["name"] = "Hijacked" });

        await response.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        (await (await owner.GetProviderAsync(created.Id)).OkDataAsync())["name"]!.GetValue<string>().ShouldBe("Not yours");
    }

    [Fact]
    public async Task Patch_AnIdThatIsNotAUuid_Answers400NamingTheId()
    {
        var client = factory.NewOwner();

        var response = await client.PatchProviderAsync("not-a-uuid", new JsonObject { ["name"] = "Whatever" });

        await response.ShouldBeValidationErrorAsync("id");
    }
}
