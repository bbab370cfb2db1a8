namespace Almyty.Domain.Providers;

public enum ProviderKind
{
    OpenAi,
    Anthropic,
    Custom,
}

public static class ProviderKinds
{
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";
    public const string Custom = "custom";

    public static IReadOnlyList<string> All { get; } = [OpenAi, Anthropic, Custom];

    public static string ToWire(this ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAi => OpenAi,
        ProviderKind.Anthropic => Anthropic,
        ProviderKind.Custom => Custom,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ProviderKind Parse(string value) =>
        TryParse(value, out var kind) ? kind : throw new ArgumentException($"'{value}' is not a provider kind.", nameof(value));

    public static bool TryParse(string? value, out ProviderKind kind)
    {
        switch (value)
        {
            case OpenAi: kind = ProviderKind.OpenAi; return true;
            case Anthropic: kind = ProviderKind.Anthropic; return true;
            case Custom: kind = ProviderKind.Custom; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>The model used when neither the provider nor the request names one; none for custom endpoints.</summary>
    public static string? DefaultModel(this ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAi => "gpt-4o",
        ProviderKind.Anthropic => "claude-sonnet-4-6",
        _ => null,
    };

    /// <summary>The API root used when the provider has no base URL of its own; custom endpoints must name one.</summary>
    public static Uri? DefaultBaseUrl(this ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAi => new Uri("https://api.openai.com/v1"),
        ProviderKind.Anthropic => new Uri("https://api.anthropic.com"),
        _ => null,
    };

    public static double MaxTemperature(this ProviderKind kind) =>
        kind == ProviderKind.Anthropic ? ProviderRules.MaxAnthropicTemperature : ProviderRules.MaxTemperature;

    /// <summary>Whether the provider takes these stop sequences: Anthropic refuses one of whitespace alone ("\n").</summary>
    public static bool AcceptsStop(this ProviderKind kind, IReadOnlyList<string>? stop) =>
        kind != ProviderKind.Anthropic || stop is null || stop.All(s => !string.IsNullOrWhiteSpace(s));
}
