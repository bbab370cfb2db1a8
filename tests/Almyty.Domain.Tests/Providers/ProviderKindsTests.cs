using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class ProviderKindsTests
{
    [Theory]
    [InlineData("openai", ProviderKind.OpenAi)]
    [InlineData("anthropic", ProviderKind.Anthropic)]
    [InlineData("custom", ProviderKind.Custom)]
    public void TryParse_AWireName_GivesItsKind(string wire, ProviderKind expected)
    {
        ProviderKinds.TryParse(wire, out var kind).ShouldBeTrue();
        kind.ShouldBe(expected);
        ProviderKinds.Parse(wire).ShouldBe(expected);
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, "openai")]
    [InlineData(ProviderKind.Anthropic, "anthropic")]
    [InlineData(ProviderKind.Custom, "custom")]
    public void ToWire_GivesTheContractName(ProviderKind kind, string expected) => kind.ToWire().ShouldBe(expected);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    [InlineData(" openai")]
    [InlineData("openai ")]
    [InlineData("azure")]
    [InlineData("OpenAi")]
    public void TryParse_AnythingElse_Fails(string? wire) => ProviderKinds.TryParse(wire, out _).ShouldBeFalse();

    [Fact]
    public void Parse_AnUnknownName_Throws() => Should.Throw<ArgumentException>(() => ProviderKinds.Parse("azure"));

    [Fact]
    public void ToWire_AnUndefinedKind_Throws() => Should.Throw<ArgumentOutOfRangeException>(() => ((ProviderKind)42).ToWire());

    [Fact]
    public void All_ListsExactlyTheThreeContractNames() => ProviderKinds.All.ShouldBe(["openai", "anthropic", "custom"]);

    [Fact]
    public void All_RoundTripsThroughParseAndToWire()
    {
        foreach (var wire in ProviderKinds.All)
        {
            ProviderKinds.Parse(wire).ToWire().ShouldBe(wire);
        }
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, "gpt-4o")]
    [InlineData(ProviderKind.Anthropic, "claude-sonnet-4-6")]
    [InlineData(ProviderKind.Custom, null)]
    public void DefaultModel_IsTheContractDefault(ProviderKind kind, string? expected) => kind.DefaultModel().ShouldBe(expected);

    [Theory]
    [InlineData(ProviderKind.OpenAi, "https://api.openai.com/v1")]
    [InlineData(ProviderKind.Anthropic, "https://api.anthropic.com")]
    [InlineData(ProviderKind.Custom, null)]
    public void DefaultBaseUrl_IsTheContractDefault(ProviderKind kind, string? expected) =>
        (kind.DefaultBaseUrl()?.OriginalString).ShouldBe(expected);

    [Theory]
    [InlineData(ProviderKind.OpenAi, 2.0)]
    [InlineData(ProviderKind.Custom, 2.0)]
    [InlineData(ProviderKind.Anthropic, 1.0)]
    public void MaxTemperature_IsOneForAnthropicAndTwoOtherwise(ProviderKind kind, double expected) =>
        kind.MaxTemperature().ShouldBe(expected);
}
