using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

public sealed class ProviderConfigurationTests
{
    private static readonly ProviderConfiguration Full = new()
    {
        Temperature = 0.7,
        MaxTokens = 4096,
        TopP = 0.9,
        SystemPrompt = "Be brief.",
        Stop = ["END"],
        TimeoutSeconds = 30,
        InputCostPer1M = 2.5m,
        OutputCostPer1M = 10m,
    };

    [Fact]
    public void Merge_WithAnEmptyPatch_KeepsEveryKey() =>
        Full.Merge(new ProviderConfigurationPatch()).ShouldBe(Full);

    [Fact]
    public void Merge_KeyAbsentFromThePatch_IsKept()
    {
        var merged = Full.Merge(new ProviderConfigurationPatch { MaxTokens = 10 });

        merged.Temperature.ShouldBe(0.7);
        merged.SystemPrompt.ShouldBe("Be brief.");
        merged.Stop.ShouldBe(["END"]);
        merged.InputCostPer1M.ShouldBe(2.5m);
    }

    [Fact]
    public void Merge_KeySetToNull_IsRemoved()
    {
        var merged = Full.Merge(new ProviderConfigurationPatch
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

        merged.ShouldBe(ProviderConfiguration.Empty);
        merged.Temperature.ShouldBeNull();
        merged.Stop.ShouldBeNull();
        merged.OutputCostPer1M.ShouldBeNull();
    }

    [Fact]
    public void Merge_KeyWithAValue_ReplacesIt()
    {
        var merged = Full.Merge(new ProviderConfigurationPatch
        {
            Temperature = 0.1,
            MaxTokens = 256,
            TopP = 0.5,
            SystemPrompt = "Be thorough.",
            Stop = new Optional<IReadOnlyList<string>?>(["STOP", "DONE"]),
            TimeoutSeconds = 120,
            InputCostPer1M = 0m,
            OutputCostPer1M = 1.25m,
        });

        merged.ShouldBe(new ProviderConfiguration
        {
            Temperature = 0.1,
            MaxTokens = 256,
            TopP = 0.5,
            SystemPrompt = "Be thorough.",
            Stop = ["STOP", "DONE"],
            TimeoutSeconds = 120,
            InputCostPer1M = 0m,
            OutputCostPer1M = 1.25m,
        });
    }

    [Fact]
    public void Merge_MixedPatch_KeepsRemovesAndReplacesKeyByKey()
    {
        var merged = Full.Merge(new ProviderConfigurationPatch
        {
            Temperature = 1.2,
            SystemPrompt = new Optional<string?>(null),
        });

        merged.ShouldBe(Full with { Temperature = 1.2, SystemPrompt = null });
    }

    [Fact]
    public void Merge_IntoAnEmptyConfiguration_AddsTheKeys() =>
        ProviderConfiguration.Empty.Merge(new ProviderConfigurationPatch { MaxTokens = 4096 })
            .ShouldBe(new ProviderConfiguration { MaxTokens = 4096 });

    [Fact]
    public void Merge_LeavesTheOriginalUntouched()
    {
        var original = new ProviderConfiguration { Temperature = 0.7 };

        _ = original.Merge(new ProviderConfigurationPatch { Temperature = 0.1 });

        original.Temperature.ShouldBe(0.7);
    }

    [Fact]
    public void Equality_ComparesStopSequencesByContent()
    {
        var first = new ProviderConfiguration { Stop = new List<string> { "a", "b" } };
        var second = new ProviderConfiguration { Stop = new[] { "a", "b" } };
        var different = new ProviderConfiguration { Stop = new[] { "b", "a" } };

        first.ShouldBe(second);
        first.GetHashCode().ShouldBe(second.GetHashCode());
        first.ShouldNotBe(different);
    }

    [Fact]
    public void Equality_AnEmptyStopListIsNotTheSameAsNoStopList()
    {
        // They are different states on the wire ("stop": [] versus no key), and persistence detects changes with Equals.
        var withEmptyStop = new ProviderConfiguration { Stop = [] };

        withEmptyStop.ShouldNotBe(ProviderConfiguration.Empty);
    }
}
