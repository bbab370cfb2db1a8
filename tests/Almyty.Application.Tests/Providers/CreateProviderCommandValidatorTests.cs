using Almyty.Application.Providers.CreateProvider;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Application.Tests.Providers;

public sealed class CreateProviderCommandValidatorTests
{
    private static readonly CreateProviderCommand Valid = new("OpenAI Production", "openai", "sk-proj-abcdefghAb3d", null, null, null);

    private readonly CreateProviderCommandValidator _validator = new();

    [Fact]
    public void AMinimalCommand_IsValid() => _validator.ShouldBeValid(Valid);

    [Fact]
    public void ACommandWithEveryFieldAtItsLimits_IsValid() =>
        _validator.ShouldBeValid(Valid with
        {
            Name = new string('n', ProviderRules.NameMaxLength),
            Provider = "custom",
            ApiKey = new string('k', ProviderRules.ApiKeyMaxLength),
            Model = new string('m', ProviderRules.ModelMaxLength),
            BaseUrl = "https://llm.example.com/v1/",
            Configuration = new ProviderConfigurationPatch
            {
                Temperature = 2.0,
                MaxTokens = 1_000_000,
                TopP = 1.0,
                SystemPrompt = new string('s', 32_000),
                Stop = new Optional<IReadOnlyList<string>?>(["a", "b", "c", "d"]),
                TimeoutSeconds = 600,
                InputCostPer1M = 0m,
                OutputCostPer1M = 0m,
            },
        });

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("custom")]
    public void Provider_EachContractName_IsValid(string provider) => _validator.ShouldBeValid(Valid with { Provider = provider });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("OpenAI")]
    [InlineData("azure")]
    [InlineData(" openai")]
    public void Provider_AnythingElse_FailsOnProvider(string? provider) =>
        _validator.ShouldFailOnlyOn(Valid with { Provider = provider }, "provider").ShouldContain("openai, anthropic, custom");

    [Fact]
    public void Name_Missing_FailsAsRequired() =>
        _validator.ShouldFailOnlyOn(Valid with { Name = null }, "name").ShouldBe("'name' is required.");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t \t")]
    public void Name_BlankAfterTrimming_FailsOnName(string name) => _validator.ShouldFailOnlyOn(Valid with { Name = name }, "name");

    [Theory]
    [InlineData(1)]
    [InlineData(100)]
    public void Name_OfOneToOneHundredCharacters_IsValid(int length) =>
        _validator.ShouldBeValid(Valid with { Name = new string('n', length) });

    [Fact]
    public void Name_OfOneHundredAndOneCharacters_FailsOnName() =>
        _validator.ShouldFailOnlyOn(Valid with { Name = new string('n', 101) }, "name").ShouldContain("1 to 100");

    [Fact]
    public void Name_OfOneHundredCharactersWithSurroundingSpace_IsValidBecauseItIsTrimmed() =>
        _validator.ShouldBeValid(Valid with { Name = "  " + new string('n', 100) + "  " });

    [Theory]
    [InlineData("Open\u0000AI")]
    [InlineData("Open\nAI")]
    [InlineData("Open\u007fAI")]
    [InlineData("Open\u2028AI")]
    [InlineData("Open\u2029AI")]
    public void Name_WithAControlCharacter_FailsOnName(string name) =>
        _validator.ShouldFailOnlyOn(Valid with { Name = name }, "name").ShouldContain("control characters");

    [Fact]
    public void ApiKey_Missing_FailsAsRequired() =>
        _validator.ShouldFailOnlyOn(Valid with { ApiKey = null }, "apiKey").ShouldBe("'apiKey' is required.");

    [Fact]
    public void ApiKey_Empty_FailsOnApiKey() =>
        _validator.ShouldFailOnlyOn(Valid with { ApiKey = string.Empty }, "apiKey").ShouldContain("1 to 512");

    [Theory]
    [InlineData(1)]
    [InlineData(512)]
    public void ApiKey_OfOneTo512Characters_IsValid(int length) =>
        _validator.ShouldBeValid(Valid with { ApiKey = new string('k', length) });

    [Fact]
    public void ApiKey_Of513Characters_FailsOnApiKey() =>
        _validator.ShouldFailOnlyOn(Valid with { ApiKey = new string('k', 513) }, "apiKey");

    [Theory]
    [InlineData("sk-abc def")]
    [InlineData(" sk-abcdef")]
    [InlineData("sk-abcdef ")]
    [InlineData("sk-abc\tdef")]
    [InlineData("sk-abc\ndef")]
    [InlineData("sk-abc\u00a0def")]
    [InlineData("sk-abc\u0000def")]
    [InlineData("sk-abc\u001bdef")]
    public void ApiKey_WithWhitespaceOrAControlCharacter_FailsOnApiKey(string apiKey) =>
        _validator.ShouldFailOnlyOn(Valid with { ApiKey = apiKey }, "apiKey").ShouldContain("whitespace or control");

    [Fact]
    public void ApiKey_FailureMessages_NeverEchoTheKey()
    {
        const string apiKey = "sk-SECRET VALUE";

        _validator.ShouldFailOnlyOn(Valid with { ApiKey = apiKey }, "apiKey").ShouldNotContain("SECRET");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("gpt-4o")]
    [InlineData("claude-sonnet-4-6")]
    public void Model_AbsentOrANormalName_IsValid(string? model) => _validator.ShouldBeValid(Valid with { Model = model });

    [Fact]
    public void Model_Of200Characters_IsValid() => _validator.ShouldBeValid(Valid with { Model = new string('m', 200) });

    [Theory]
    [InlineData("")]
    [InlineData("gpt 4o")]
    public void Model_EmptyOrWithWhitespace_FailsOnModel(string model) =>
        _validator.ShouldFailOnlyOn(Valid with { Model = model }, "model");

    [Fact]
    public void Model_Of201Characters_FailsOnModel() =>
        _validator.ShouldFailOnlyOn(Valid with { Model = new string('m', 201) }, "model").ShouldContain("200");

    [Theory]
    [InlineData(null)]
    [InlineData("https://api.openai.com/v1")]
    [InlineData("http://llm.example.com:8080/v1/")]
    [InlineData("https://[2606:4700::1111]/v1")]
    [InlineData("https://llm.example.com/openai?api-version=2024-06-01")]
    public void BaseUrl_AbsentOrAnAbsoluteHttpUrl_IsValid(string? baseUrl) => _validator.ShouldBeValid(Valid with { BaseUrl = baseUrl });

    [Fact]
    public void BaseUrl_Of2048Characters_IsValid()
    {
        const string prefix = "https://llm.example.com/";
        _validator.ShouldBeValid(Valid with { BaseUrl = prefix + new string('a', 2048 - prefix.Length) });
    }

    [Fact]
    public void BaseUrl_Of2049Characters_FailsOnBaseUrl()
    {
        const string prefix = "https://llm.example.com/";
        _validator.ShouldFailOnlyOn(Valid with { BaseUrl = prefix + new string('a', 2049 - prefix.Length) }, "baseUrl").ShouldContain("2048");
    }

    [Theory]
    [InlineData("ftp://llm.example.com/v1", "absolute http or https")]
    [InlineData("llm.example.com/v1", "absolute http or https")]
    [InlineData("/v1", "absolute http or https")]
    [InlineData("", "absolute http or https")]
    [InlineData("https://user:secret@llm.example.com/v1", "user information")]
    [InlineData("https://llm.example.com/v1#top", "fragment")]
    public void BaseUrl_NotAnAbsoluteHttpUrlWithoutUserInfoOrFragment_FailsOnBaseUrlSayingWhy(string baseUrl, string reason) =>
        _validator.ShouldFailOnlyOn(Valid with { BaseUrl = baseUrl }, "baseUrl").ShouldContain(reason);

    [Fact]
    public void Configuration_WithABadKey_FailsOnTheNestedJsonPath() =>
        _validator.ShouldFailOnlyOn(Valid with { Configuration = new ProviderConfigurationPatch { Temperature = 2.1 } }, "configuration.temperature");

    [Theory]
    [InlineData("maxTokens")]
    [InlineData("topP")]
    [InlineData("systemPrompt")]
    [InlineData("stop")]
    [InlineData("timeoutSeconds")]
    [InlineData("inputCostPer1M")]
    [InlineData("outputCostPer1M")]
    public void Configuration_EveryKey_IsReportedUnderConfiguration(string key) =>
        _validator.ShouldFailOnlyOn(Valid with { Configuration = ProviderConfigurationPatchValidatorTests.InvalidPatchFor(key) }, "configuration." + key);

    [Fact]
    public void SeveralProblems_AreAllReported()
    {
        var errors = _validator.Errors(new CreateProviderCommand(null, "azure", null, "", "ftp://x", new ProviderConfigurationPatch { TopP = 2 }));

        errors.Select(e => e.Field).Distinct().ShouldBe(["name", "provider", "apiKey", "model", "baseUrl", "configuration.topP"], ignoreOrder: true);
    }
}
