using Almyty.Application.Providers;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Application.Tests.Providers;

public sealed class ProviderConfigurationPatchValidatorTests
{
    private readonly ProviderConfigurationPatchValidator _validator = new();

    /// <summary>A patch whose only key is just outside its range.</summary>
    internal static ProviderConfigurationPatch InvalidPatchFor(string key) => key switch
    {
        "temperature" => new() { Temperature = 2.01 },
        "maxTokens" => new() { MaxTokens = 0 },
        "topP" => new() { TopP = 1.01 },
        "systemPrompt" => new() { SystemPrompt = new string('s', 32_001) },
        "stop" => new() { Stop = Stops(5) },
        "timeoutSeconds" => new() { TimeoutSeconds = 601 },
        "inputCostPer1M" => new() { InputCostPer1M = -0.01m },
        "outputCostPer1M" => new() { OutputCostPer1M = -0.01m },
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    [Fact]
    public void AnEmptyPatch_IsValid() => _validator.ShouldBeValid(new ProviderConfigurationPatch());

    [Fact]
    public void EveryKeySetToNull_IsValid() =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch
        {
            Temperature = new Optional<double?>(null),
            MaxTokens = new Optional<int?>(null),
            TopP = new Optional<double?>(null),
            SystemPrompt = new Optional<string?>(null),
            Stop = new Optional<IReadOnlyList<string>?>(null),
            TimeoutSeconds = new Optional<int?>(null),
            InputCostPer1M = new Optional<decimal?>(null),
            OutputCostPer1M = new Optional<decimal?>(null),
        });

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(2.0)]
    public void Temperature_FromZeroToTwo_IsValid(double temperature) =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch { Temperature = temperature });

    [Theory]
    [InlineData(-0.01)]
    [InlineData(2.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Temperature_OutsideZeroToTwo_FailsOnTemperature(double temperature) =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Temperature = temperature }, "temperature").ShouldContain("between 0 and 2");

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1_000_000)]
    public void MaxTokens_FromOneToOneMillion_IsValid(int maxTokens) =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch { MaxTokens = maxTokens });

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1_000_001)]
    public void MaxTokens_OutsideOneToOneMillion_FailsOnMaxTokens(int maxTokens) =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { MaxTokens = maxTokens }, "maxTokens");

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void TopP_FromZeroToOne_IsValid(double topP) => _validator.ShouldBeValid(new ProviderConfigurationPatch { TopP = topP });

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    public void TopP_OutsideZeroToOne_FailsOnTopP(double topP) =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { TopP = topP }, "topP");

    [Theory]
    [InlineData(0)]
    [InlineData(32_000)]
    public void SystemPrompt_UpTo32000Characters_IsValid(int length) =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch { SystemPrompt = new string('s', length) });

    [Fact]
    public void SystemPrompt_Of32001Characters_FailsOnSystemPrompt() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { SystemPrompt = new string('s', 32_001) }, "systemPrompt");

    [Fact]
    public void SystemPrompt_WithANulCharacter_FailsOnSystemPrompt() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { SystemPrompt = "Be\0brief." }, "systemPrompt")
            .ShouldBe("'systemPrompt' must not contain the NUL character (U+0000).");

    [Fact]
    public void Stop_WithANulCharacter_FailsOnStop() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Stop = new List<string> { "END", "a\0b" }.AsReadOnly() }, "stop")
            .ShouldBe("A 'stop' string must not contain the NUL character (U+0000).");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void Stop_OfUpToFourStrings_IsValid(int count) => _validator.ShouldBeValid(new ProviderConfigurationPatch { Stop = Stops(count) });

    [Fact]
    public void Stop_OfFiveStrings_FailsOnStop() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Stop = Stops(5) }, "stop").ShouldContain("at most 4");

    [Fact]
    public void Stop_WithAnEmptyString_FailsOnStop() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Stop = new Optional<IReadOnlyList<string>?>(["END", ""]) }, "stop");

    [Fact]
    public void Stop_WithANullString_FailsOnStop() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Stop = new Optional<IReadOnlyList<string>?>(["END", null!]) }, "stop");

    [Fact]
    public void Stop_WithAString_Of1000Characters_IsValid() =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch { Stop = new Optional<IReadOnlyList<string>?>([new string('x', 1000)]) });

    [Fact]
    public void Stop_WithAString_Of1001Characters_FailsOnStop() =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { Stop = new Optional<IReadOnlyList<string>?>([new string('x', 1001)]) }, "stop");

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    public void TimeoutSeconds_FromOneTo600_IsValid(int seconds) =>
        _validator.ShouldBeValid(new ProviderConfigurationPatch { TimeoutSeconds = seconds });

    [Theory]
    [InlineData(0)]
    [InlineData(601)]
    public void TimeoutSeconds_OutsideOneTo600_FailsOnTimeoutSeconds(int seconds) =>
        _validator.ShouldFailOnlyOn(new ProviderConfigurationPatch { TimeoutSeconds = seconds }, "timeoutSeconds");

    [Theory]
    [InlineData("0")]
    [InlineData("2.5")]
    [InlineData("1000000")]
    public void Prices_OfZeroOrMore_AreValid(string price)
    {
        var value = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture);
        _validator.ShouldBeValid(new ProviderConfigurationPatch { InputCostPer1M = value, OutputCostPer1M = value });
    }

    [Theory]
    [InlineData("-0.000001")]
    [InlineData("-1")]
    [InlineData("1000000.01")]
    public void InputCostPer1M_NegativeOrAbsurd_FailsOnInputCostPer1M(string price) =>
        _validator.ShouldFailOnlyOn(
            new ProviderConfigurationPatch { InputCostPer1M = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) },
            "inputCostPer1M");

    [Theory]
    [InlineData("-0.000001")]
    [InlineData("1000000.01")]
    public void OutputCostPer1M_NegativeOrAbsurd_FailsOnOutputCostPer1M(string price) =>
        _validator.ShouldFailOnlyOn(
            new ProviderConfigurationPatch { OutputCostPer1M = decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture) },
            "outputCostPer1M");

    [Fact]
    public void AProblemInEveryKey_IsReportedForEveryKey()
    {
        var errors = _validator.Errors(new ProviderConfigurationPatch
        {
            Temperature = -1,
            MaxTokens = 0,
            TopP = 2,
            SystemPrompt = new string('s', 32_001),
            Stop = Stops(5),
            TimeoutSeconds = 0,
            InputCostPer1M = -1m,
            OutputCostPer1M = -1m,
        });

        errors.Select(e => e.Field).ShouldBe(
            ["temperature", "maxTokens", "topP", "systemPrompt", "stop", "timeoutSeconds", "inputCostPer1M", "outputCostPer1M"],
            ignoreOrder: true);
    }

    private static Optional<IReadOnlyList<string>?> Stops(int count) =>
        new([.. Enumerable.Range(1, count).Select(i => $"STOP{i}")]);
}
