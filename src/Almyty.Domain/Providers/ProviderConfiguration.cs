using Almyty.Domain.Common;

namespace Almyty.Domain.Providers;

/// <summary>A provider's default call parameters and price overrides; every key is optional.</summary>
public sealed record ProviderConfiguration
{
    public static ProviderConfiguration Empty { get; } = new();

    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    public double? TopP { get; init; }
    public string? SystemPrompt { get; init; }
    public IReadOnlyList<string>? Stop { get; init; }
    public int? TimeoutSeconds { get; init; }
    public decimal? InputCostPer1M { get; init; }
    public decimal? OutputCostPer1M { get; init; }

    /// <summary>Applies a key-by-key patch: an absent key is kept, a key set to null is removed.</summary>
    public ProviderConfiguration Merge(ProviderConfigurationPatch patch) => new()
    {
        Temperature = Pick(patch.Temperature, Temperature),
        MaxTokens = Pick(patch.MaxTokens, MaxTokens),
        TopP = Pick(patch.TopP, TopP),
        SystemPrompt = Pick(patch.SystemPrompt, SystemPrompt),
        Stop = Pick(patch.Stop, Stop),
        TimeoutSeconds = Pick(patch.TimeoutSeconds, TimeoutSeconds),
        InputCostPer1M = Pick(patch.InputCostPer1M, InputCostPer1M),
        OutputCostPer1M = Pick(patch.OutputCostPer1M, OutputCostPer1M),
    };

    public bool Equals(ProviderConfiguration? other) =>
        other is not null
        && Temperature == other.Temperature
        && MaxTokens == other.MaxTokens
        && TopP == other.TopP
        && SystemPrompt == other.SystemPrompt
        && TimeoutSeconds == other.TimeoutSeconds
        && InputCostPer1M == other.InputCostPer1M
        && OutputCostPer1M == other.OutputCostPer1M
        && (Stop is null ? other.Stop is null : other.Stop is not null && Stop.SequenceEqual(other.Stop));

    public override int GetHashCode() =>
        HashCode.Combine(Temperature, MaxTokens, TopP, SystemPrompt, TimeoutSeconds, InputCostPer1M, OutputCostPer1M, Stop?.Count);

    private static TValue? Pick<TValue>(Optional<TValue?> patched, TValue? current) => patched.HasValue ? patched.Value : current;
}

/// <summary>The keys a PATCH names: absent keys are left alone, null ones are removed.</summary>
public sealed record ProviderConfigurationPatch
{
    public Optional<double?> Temperature { get; init; }
    public Optional<int?> MaxTokens { get; init; }
    public Optional<double?> TopP { get; init; }
    public Optional<string?> SystemPrompt { get; init; }
    public Optional<IReadOnlyList<string>?> Stop { get; init; }
    public Optional<int?> TimeoutSeconds { get; init; }
    public Optional<decimal?> InputCostPer1M { get; init; }
    public Optional<decimal?> OutputCostPer1M { get; init; }
}
