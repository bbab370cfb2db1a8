using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class LlmProviderUpdateTests
{
    private static readonly DateTimeOffset Later = ProviderFixtures.Now.AddMinutes(5);

    [Fact]
    public void Update_WithNoFields_ChangesNothingButUpdatedAt()
    {
        var provider = ProviderFixtures.Create(model: "gpt-4o", configuration: new ProviderConfiguration { Temperature = 0.3 });
        var before = Snapshot(provider);

        var result = provider.Update(new ProviderUpdate(), Later);

        result.IsSuccess.ShouldBeTrue();
        Snapshot(provider).ShouldBe(before with { UpdatedAt = Later });
    }

    [Fact]
    public void Update_ReturnsTheSameEntity()
    {
        var provider = ProviderFixtures.Create();

        provider.Update(new ProviderUpdate { Name = "Renamed" }, Later).Value.ShouldBeSameAs(provider);
    }

    [Fact]
    public void Update_Name_TrimsItAndRefreshesTheNormalizedName()
    {
        var provider = ProviderFixtures.Create(name: "Old");

        provider.Update(new ProviderUpdate { Name = "  New Name  " }, Later).IsSuccess.ShouldBeTrue();

        provider.Name.ShouldBe("New Name");
        provider.NormalizedName.ShouldBe("NEW NAME");
    }

    [Fact]
    public void Update_TruncatesUpdatedAtToMicrosecondsAndKeepsCreatedAt()
    {
        var provider = ProviderFixtures.Create();
        var createdAt = provider.CreatedAt;

        provider.Update(new ProviderUpdate(), Later.AddTicks(19)).IsSuccess.ShouldBeTrue();

        provider.UpdatedAt.ShouldBe(Later.AddTicks(10));
        provider.CreatedAt.ShouldBe(createdAt);
    }

    [Fact]
    public void Update_SwitchingToAnthropicWhileTemperatureIsAboveOne_FailsAndChangesNothing()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, name: "Old", configuration: new ProviderConfiguration { Temperature = 1.5 });
        var before = Snapshot(provider);

        var result = provider.Update(new ProviderUpdate { Kind = ProviderKind.Anthropic, Name = "New", Model = "claude-opus-4-6" }, Later);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("configuration.temperature");
        Snapshot(provider).ShouldBe(before);
    }

    [Fact]
    public void Update_SwitchingToAnthropicWhileAStopIsWhitespaceOnly_FailsAndChangesNothing()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, configuration: new ProviderConfiguration { Stop = ["\n"] });
        var before = Snapshot(provider);

        var result = provider.Update(new ProviderUpdate { Kind = ProviderKind.Anthropic }, Later);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("configuration.stop");
        Snapshot(provider).ShouldBe(before);
    }

    [Fact]
    public void Update_SwitchingToAnthropicTogetherWithATemperatureItAccepts_Succeeds()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, configuration: new ProviderConfiguration { Temperature = 1.5 });

        var result = provider.Update(
            new ProviderUpdate { Kind = ProviderKind.Anthropic, Configuration = new ProviderConfigurationPatch { Temperature = 1.0 } },
            Later);

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        provider.Kind.ShouldBe(ProviderKind.Anthropic);
        provider.Configuration.Temperature.ShouldBe(1.0);
    }

    [Theory]
    [InlineData(ProviderKind.Anthropic, 1.01)]
    [InlineData(ProviderKind.OpenAi, 2.01)]
    public void Update_TemperatureAboveTheKindsMaximum_FailsAndKeepsTheOldConfiguration(ProviderKind kind, double temperature)
    {
        var provider = ProviderFixtures.Create(kind, configuration: new ProviderConfiguration { Temperature = 0.5 });

        var result = provider.Update(new ProviderUpdate { Configuration = new ProviderConfigurationPatch { Temperature = temperature } }, Later);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("configuration.temperature");
        provider.Configuration.Temperature.ShouldBe(0.5);
    }

    [Fact]
    public void Update_SwitchingToCustomWithoutABaseUrl_FailsNamingBaseUrl()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi);

        var result = provider.Update(new ProviderUpdate { Kind = ProviderKind.Custom }, Later);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("baseUrl");
        provider.Kind.ShouldBe(ProviderKind.OpenAi);
    }

    [Fact]
    public void Update_SwitchingToCustomWithABaseUrl_Succeeds()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi);

        var result = provider.Update(new ProviderUpdate { Kind = ProviderKind.Custom, BaseUrl = ProviderFixtures.CustomBaseUrl }, Later);

        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        provider.Kind.ShouldBe(ProviderKind.Custom);
        provider.BaseUrl.ShouldBe(ProviderFixtures.CustomBaseUrl);
    }

    [Fact]
    public void Update_RemovingTheBaseUrlOfACustomProvider_Fails()
    {
        var provider = ProviderFixtures.Create(ProviderKind.Custom);

        var result = provider.Update(new ProviderUpdate { BaseUrl = new Optional<Uri?>(null) }, Later);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Fields.ShouldHaveSingleItem().Field.ShouldBe("baseUrl");
        provider.BaseUrl.ShouldBe(ProviderFixtures.CustomBaseUrl);
    }

    [Fact]
    public void Update_RemovingTheBaseUrlOfAnOpenAiProvider_FallsBackToTheDefault()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, baseUrl: new Uri("https://proxy.example.com/v1"));

        provider.Update(new ProviderUpdate { BaseUrl = new Optional<Uri?>(null) }, Later).IsSuccess.ShouldBeTrue();

        provider.BaseUrl.ShouldBeNull();
        provider.EffectiveBaseUrl.ShouldBe(new Uri("https://api.openai.com/v1"));
    }

    [Fact]
    public void Update_ModelSetToNull_RemovesItSoTheDefaultApplies()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, model: "gpt-4o-mini");

        provider.Update(new ProviderUpdate { Model = new Optional<string?>(null) }, Later).IsSuccess.ShouldBeTrue();

        provider.Model.ShouldBeNull();
        provider.EffectiveModel.ShouldBe("gpt-4o");
    }

    [Fact]
    public void Update_WithoutModel_KeepsTheModel()
    {
        var provider = ProviderFixtures.Create(ProviderKind.OpenAi, model: "gpt-4o-mini");

        provider.Update(new ProviderUpdate { Name = "Renamed" }, Later).IsSuccess.ShouldBeTrue();

        provider.Model.ShouldBe("gpt-4o-mini");
    }

    [Fact]
    public void Update_StatusToInactive_DisablesTheProvider()
    {
        var provider = ProviderFixtures.Create();

        provider.Update(new ProviderUpdate { Status = ProviderStatus.Inactive }, Later).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Inactive);
    }

    [Fact]
    public void Update_StatusBackToActive_ReactivatesTheProviderWithoutAnError()
    {
        var provider = ProviderFixtures.Create();
        provider.Update(new ProviderUpdate { Status = ProviderStatus.Inactive }, Later).IsSuccess.ShouldBeTrue();

        provider.Update(new ProviderUpdate { Status = ProviderStatus.Active }, Later.AddMinutes(1)).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Active);
        provider.LastError.ShouldBeNull();
    }

    [Fact]
    public void Update_WithoutStatus_KeepsTheStatus()
    {
        var provider = ProviderFixtures.Create();
        provider.Update(new ProviderUpdate { Status = ProviderStatus.Inactive }, Later).IsSuccess.ShouldBeTrue();

        provider.Update(new ProviderUpdate { Name = "Renamed" }, Later.AddMinutes(1)).IsSuccess.ShouldBeTrue();

        provider.Status.ShouldBe(ProviderStatus.Inactive);
    }

    [Fact]
    public void Update_NewApiKey_ReplacesTheSecretAndItsHint()
    {
        var provider = ProviderFixtures.Create();
        var oldHint = provider.ApiKeyHint;
        var newSecret = ProviderFixtures.Secret(marker: 9);

        provider.Update(new ProviderUpdate { ApiKey = newSecret, ApiKeyHint = ApiKeyHint.For("sk-new-key-000000Zz99") }, Later).IsSuccess.ShouldBeTrue();

        provider.ApiKey.ShouldBe(newSecret);
        provider.ApiKeyHint.ShouldBe("sk-...Zz99");
        provider.ApiKeyHint.ShouldNotBe(oldHint);
    }

    [Fact]
    public void Update_WithoutApiKey_KeepsTheSecretAndItsHint()
    {
        var provider = ProviderFixtures.Create();
        var secret = provider.ApiKey;
        var hint = provider.ApiKeyHint;

        provider.Update(new ProviderUpdate { Name = "Renamed" }, Later).IsSuccess.ShouldBeTrue();

        provider.ApiKey.ShouldBe(secret);
        provider.ApiKeyHint.ShouldBe(hint);
    }

    [Fact]
    public void Update_Configuration_MergesKeyByKey()
    {
        var provider = ProviderFixtures.Create(configuration: new ProviderConfiguration { Temperature = 0.2, MaxTokens = 100, TopP = 0.9 });

        var patch = new ProviderConfigurationPatch { Temperature = 0.8, MaxTokens = new Optional<int?>(null) };
        provider.Update(new ProviderUpdate { Configuration = patch }, Later).IsSuccess.ShouldBeTrue();

        provider.Configuration.ShouldBe(new ProviderConfiguration { Temperature = 0.8, TopP = 0.9 });
    }

    [Fact]
    public void ReplaceEncryptedApiKey_ChangesTheSealedKeyButNotTheHint()
    {
        var provider = ProviderFixtures.Create();
        var hint = provider.ApiKeyHint;
        var resealed = new EncryptedSecret("k2", [7, 7, 7]);

        provider.ReplaceEncryptedApiKey(resealed);

        provider.ApiKey.ShouldBe(resealed);
        provider.ApiKeyHint.ShouldBe(hint);
    }

    private static ProviderState Snapshot(LlmProvider provider) => new(
        provider.Name,
        provider.NormalizedName,
        provider.Kind,
        provider.Model,
        provider.BaseUrl,
        provider.Configuration,
        provider.Status,
        provider.ApiKey,
        provider.ApiKeyHint,
        provider.CreatedAt,
        provider.UpdatedAt);

    private sealed record ProviderState(
        string Name,
        string NormalizedName,
        ProviderKind Kind,
        string? Model,
        Uri? BaseUrl,
        ProviderConfiguration Configuration,
        ProviderStatus Status,
        EncryptedSecret ApiKey,
        string ApiKeyHint,
        DateTimeOffset CreatedAt,
        DateTimeOffset UpdatedAt);
}
