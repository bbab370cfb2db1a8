using Almyty.Application.Providers.UpdateProvider;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Application.Tests.Providers;

public sealed class UpdateProviderCommandValidatorTests
{
    private static readonly UpdateProviderCommand Empty = new(Guid.CreateVersion7());

    private readonly UpdateProviderCommandValidator _validator = new();

    [Fact]
    public void ACommandNamingNoField_IsValid() => _validator.ShouldBeValid(Empty);

    [Fact]
    public void ACommandChangingEveryFieldWithinItsLimits_IsValid() =>
        _validator.ShouldBeValid(Empty with
        {
            Name = new string('n', 100),
            Provider = "anthropic",
            ApiKey = new string('k', 512),
            Model = new string('m', 200),
            BaseUrl = "https://llm.example.com/v1",
            Status = "inactive",
            Configuration = new ProviderConfigurationPatch { Temperature = 0, MaxTokens = 1 },
            ExpectedVersions = [1u, 2u],
        });

    [Fact]
    public void Name_PresentAsNull_FailsAsRequired() =>
        _validator.ShouldFailOnlyOn(Empty with { Name = new Optional<string?>(null) }, "name").ShouldBe("'name' is required.");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Bad\u0001Name")]
    public void Name_BlankOrWithAControlCharacter_FailsOnName(string name) =>
        _validator.ShouldFailOnlyOn(Empty with { Name = name }, "name");

    [Fact]
    public void Name_Of100CharactersAfterTrimming_IsValid() =>
        _validator.ShouldBeValid(Empty with { Name = " " + new string('n', 100) + " " });

    [Fact]
    public void Name_Of101Characters_FailsOnName() =>
        _validator.ShouldFailOnlyOn(Empty with { Name = new string('n', 101) }, "name");

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("custom")]
    public void Provider_EachContractName_IsValid(string provider) => _validator.ShouldBeValid(Empty with { Provider = provider });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Anthropic")]
    [InlineData("gemini")]
    public void Provider_PresentButNotAContractName_FailsOnProvider(string? provider) =>
        _validator.ShouldFailOnlyOn(Empty with { Provider = new Optional<string?>(provider) }, "provider");

    [Fact]
    public void ApiKey_PresentAsNull_FailsAsRequired() =>
        _validator.ShouldFailOnlyOn(Empty with { ApiKey = new Optional<string?>(null) }, "apiKey").ShouldBe("'apiKey' is required.");

    [Theory]
    [InlineData("")]
    [InlineData("sk new")]
    [InlineData("sk\u0007new")]
    public void ApiKey_EmptyOrWithWhitespaceOrAControlCharacter_FailsOnApiKey(string apiKey) =>
        _validator.ShouldFailOnlyOn(Empty with { ApiKey = apiKey }, "apiKey");

    [Fact]
    public void ApiKey_Of513Characters_FailsOnApiKey() =>
        _validator.ShouldFailOnlyOn(Empty with { ApiKey = new string('k', 513) }, "apiKey");

    [Fact]
    public void Model_PresentAsNull_IsValidBecauseItRemovesTheModel() =>
        _validator.ShouldBeValid(Empty with { Model = new Optional<string?>(null) });

    [Theory]
    [InlineData("")]
    [InlineData("gpt 4o")]
    public void Model_EmptyOrWithWhitespace_FailsOnModel(string model) =>
        _validator.ShouldFailOnlyOn(Empty with { Model = model }, "model");

    [Fact]
    public void Model_Of201Characters_FailsOnModel() =>
        _validator.ShouldFailOnlyOn(Empty with { Model = new string('m', 201) }, "model");

    [Fact]
    public void BaseUrl_WithAQueryString_IsValid() =>
        _validator.ShouldBeValid(Empty with { BaseUrl = "https://llm.example.com/openai?api-version=2024-06-01" });

    [Fact]
    public void BaseUrl_PresentAsNull_IsValidBecauseItRemovesTheBaseUrl() =>
        _validator.ShouldBeValid(Empty with { BaseUrl = new Optional<string?>(null) });

    [Theory]
    [InlineData("ftp://llm.example.com")]
    [InlineData("https://u:p@llm.example.com")]
    [InlineData("https://llm.example.com/#x")]
    [InlineData("not a url")]
    public void BaseUrl_NotAnAbsoluteHttpUrlWithoutUserInfoOrFragment_FailsOnBaseUrl(string baseUrl) =>
        _validator.ShouldFailOnlyOn(Empty with { BaseUrl = baseUrl }, "baseUrl");

    [Theory]
    [InlineData("active")]
    [InlineData("inactive")]
    public void Status_ActiveOrInactive_IsValid(string status) => _validator.ShouldBeValid(Empty with { Status = status });

    [Theory]
    [InlineData("error")]
    [InlineData("Active")]
    [InlineData("disabled")]
    [InlineData("")]
    [InlineData(null)]
    public void Status_AnythingAClientMayNotSet_FailsOnStatus(string? status) =>
        _validator.ShouldFailOnlyOn(Empty with { Status = new Optional<string?>(status) }, "status").ShouldContain("active, inactive");

    [Fact]
    public void Configuration_KeysSetToNull_AreValidBecauseTheyRemoveTheKeys() =>
        _validator.ShouldBeValid(Empty with
        {
            Configuration = new ProviderConfigurationPatch
            {
                Temperature = new Optional<double?>(null),
                MaxTokens = new Optional<int?>(null),
                Stop = new Optional<IReadOnlyList<string>?>(null),
                SystemPrompt = new Optional<string?>(null),
            },
        });

    [Theory]
    [InlineData("temperature")]
    [InlineData("maxTokens")]
    [InlineData("topP")]
    [InlineData("systemPrompt")]
    [InlineData("stop")]
    [InlineData("timeoutSeconds")]
    [InlineData("inputCostPer1M")]
    [InlineData("outputCostPer1M")]
    public void Configuration_EveryKey_IsReportedUnderConfiguration(string key) =>
        _validator.ShouldFailOnlyOn(Empty with { Configuration = ProviderConfigurationPatchValidatorTests.InvalidPatchFor(key) }, "configuration." + key);

    [Fact]
    public void SeveralProblems_AreAllReportedWithTheirJsonNames()
    {
        var errors = _validator.Errors(Empty with
        {
            Name = "",
            Provider = "x",
            ApiKey = "a b",
            Model = "",
            BaseUrl = "ftp://x",
            Status = "error",
            Configuration = new ProviderConfigurationPatch { MaxTokens = 0 },
        });

        errors.Select(e => e.Field).Distinct().ShouldBe(["name", "provider", "apiKey", "model", "baseUrl", "status", "configuration.maxTokens"], ignoreOrder: true);
    }
}
