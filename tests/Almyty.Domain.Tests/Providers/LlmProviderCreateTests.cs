using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class LlmProviderCreateTests
{
    [Fact]
    public void Create_WithValidInput_ReturnsAnActiveProviderThatHasNeverBeenTested()
    {
        var id = Guid.CreateVersion7();
        var secret = ProviderFixtures.Secret();

        var result = LlmProvider.Create(
            id,
            "org-7",
            "OpenAI Production",
            ProviderKind.OpenAi,
            "gpt-4o-mini",
            null,
            new ProviderConfiguration { Temperature = 0.7, MaxTokens = 4096 },
            secret,
            "sk-...Ab3d",
            ProviderFixtures.Now);

        result.IsSuccess.ShouldBeTrue();
        var provider = result.Value;
        provider.Id.ShouldBe(id);
        provider.OrganizationId.ShouldBe("org-7");
        provider.Kind.ShouldBe(ProviderKind.OpenAi);
        provider.Model.ShouldBe("gpt-4o-mini");
        provider.Configuration.ShouldBe(new ProviderConfiguration { Temperature = 0.7, MaxTokens = 4096 });
        provider.Status.ShouldBe(ProviderStatus.Active);
        provider.ApiKey.ShouldBe(secret);
        provider.ApiKeyHint.ShouldBe("sk-...Ab3d");
        provider.LastTestedAt.ShouldBeNull();
        provider.LastError.ShouldBeNull();
    }

    [Fact]
    public void Create_TrimsTheNameAndKeepsItsCaseFoldedFormForUniqueness()
    {
        var provider = ProviderFixtures.Create(name: "  OpenAI Production \t");

        provider.Name.ShouldBe("OpenAI Production");
        provider.NormalizedName.ShouldBe("OPENAI PRODUCTION");
    }

    [Fact]
    public void Create_NamesThatDifferOnlyInCaseAndSurroundingSpace_ShareTheNormalizedName()
    {
        var first = ProviderFixtures.Create(name: "OpenAI Production");
        var second = ProviderFixtures.Create(name: " openai PRODUCTION ");

        second.NormalizedName.ShouldBe(first.NormalizedName);
        second.Name.ShouldNotBe(first.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Create_WithABlankName_Throws(string name) =>
        Should.Throw<ArgumentException>(() => ProviderFixtures.TryCreate(name: name));

    [Fact]
    public void Create_CustomProviderWithoutBaseUrl_FailsNamingBaseUrl()
    {
        var result = ProviderFixtures.TryCreate(ProviderKind.Custom, baseUrl: null);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Kind.ShouldBe(ErrorKind.Validation);
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("baseUrl");
    }

    [Fact]
    public void Create_CustomProviderWithBaseUrl_Succeeds()
    {
        var result = ProviderFixtures.TryCreate(ProviderKind.Custom, baseUrl: ProviderFixtures.CustomBaseUrl);

        result.IsSuccess.ShouldBeTrue();
        result.Value.BaseUrl.ShouldBe(ProviderFixtures.CustomBaseUrl);
        result.Value.EffectiveBaseUrl.ShouldBe(ProviderFixtures.CustomBaseUrl);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi)]
    [InlineData(ProviderKind.Anthropic)]
    public void Create_OpenAiOrAnthropicWithoutBaseUrl_Succeeds(ProviderKind kind) =>
        ProviderFixtures.TryCreate(kind, baseUrl: null).IsSuccess.ShouldBeTrue();

    [Theory]
    [InlineData(ProviderKind.OpenAi, 2.0)]
    [InlineData(ProviderKind.Custom, 2.0)]
    [InlineData(ProviderKind.Anthropic, 1.0)]
    [InlineData(ProviderKind.Anthropic, 0.0)]
    public void Create_WithTemperatureUpToTheKindsMaximum_Succeeds(ProviderKind kind, double temperature)
    {
        var result = ProviderFixtures.TryCreate(
            kind,
            baseUrl: kind == ProviderKind.Custom ? ProviderFixtures.CustomBaseUrl : null,
            configuration: new ProviderConfiguration { Temperature = temperature });

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        result.Value.Configuration.Temperature.ShouldBe(temperature);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, 2.01)]
    [InlineData(ProviderKind.Custom, 2.0001)]
    [InlineData(ProviderKind.Anthropic, 1.01)]
    [InlineData(ProviderKind.Anthropic, 2.0)]
    public void Create_WithTemperatureAboveTheKindsMaximum_FailsNamingConfigurationTemperature(ProviderKind kind, double temperature)
    {
        var result = ProviderFixtures.TryCreate(
            kind,
            baseUrl: kind == ProviderKind.Custom ? ProviderFixtures.CustomBaseUrl : null,
            configuration: new ProviderConfiguration { Temperature = temperature });

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("configuration.temperature");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Create_AnthropicWithAWhitespaceOnlyStop_FailsNamingConfigurationStop(string stop)
    {
        var result = ProviderFixtures.TryCreate(ProviderKind.Anthropic, configuration: new ProviderConfiguration { Stop = ["END", stop] });

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("configuration.stop");
        result.Error.Message.ShouldContain("anthropic");
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi)]
    [InlineData(ProviderKind.Custom)]
    public void Create_OtherKindsWithAWhitespaceOnlyStop_Succeed(ProviderKind kind)
    {
        var result = ProviderFixtures.TryCreate(kind, baseUrl: new Uri("https://llm.example.com/v1"), configuration: new ProviderConfiguration { Stop = ["\n"] });

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
    }

    [Fact]
    public void Create_AnthropicTemperatureError_StatesTheAnthropicLimit()
    {
        var result = ProviderFixtures.TryCreate(ProviderKind.Anthropic, configuration: new ProviderConfiguration { Temperature = 1.5 });

        result.Error!.Message.ShouldContain("between 0 and 1 ");
        result.Error.Message.ShouldContain("anthropic");
    }

    [Fact]
    public void Create_TruncatesTimestampsToMicroseconds()
    {
        var now = ProviderFixtures.Now.AddTicks(1_234_567);

        var provider = ProviderFixtures.TryCreate(now: now).Value;

        provider.CreatedAt.ShouldBe(ProviderFixtures.Now.AddTicks(1_234_560));
        provider.UpdatedAt.ShouldBe(provider.CreatedAt);
        (provider.CreatedAt.UtcTicks % 10).ShouldBe(0);
    }

    [Fact]
    public void Create_StoresTimestampsInUtc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2));

        var provider = ProviderFixtures.TryCreate(now: local).Value;

        provider.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        provider.CreatedAt.UtcDateTime.ShouldBe(local.UtcDateTime);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, "gpt-4o", "https://api.openai.com/v1")]
    [InlineData(ProviderKind.Anthropic, "claude-sonnet-4-6", "https://api.anthropic.com")]
    public void Create_WithoutModelOrBaseUrl_UsesTheKindsDefaults(ProviderKind kind, string model, string baseUrl)
    {
        var provider = ProviderFixtures.Create(kind);

        provider.Model.ShouldBeNull();
        provider.BaseUrl.ShouldBeNull();
        provider.EffectiveModel.ShouldBe(model);
        provider.EffectiveBaseUrl.ShouldBe(new Uri(baseUrl));
    }

    [Fact]
    public void Create_CustomProviderWithoutModel_HasNoEffectiveModel() =>
        ProviderFixtures.Create(ProviderKind.Custom).EffectiveModel.ShouldBe(string.Empty);

    [Fact]
    public void Create_WithModel_PrefersItOverTheDefault() =>
        ProviderFixtures.Create(ProviderKind.OpenAi, model: "o3").EffectiveModel.ShouldBe("o3");
}
