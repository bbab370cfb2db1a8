namespace Almyty.Domain.Providers;

/// <summary>The limits of the provider resource, shared by the validators, the entity and the schema.</summary>
public static class ProviderRules
{
    public const int NameMaxLength = 100;
    public const int ApiKeyMaxLength = 512;
    public const int ModelMaxLength = 200;
    public const int BaseUrlMaxLength = 2048;
    public const int SystemPromptMaxLength = 32_000;
    public const int MaxStopSequences = 4;
    public const int StopSequenceMaxLength = 1_000;
    public const double MaxTemperature = 2.0;
    public const double MaxAnthropicTemperature = 1.0;
    public const int MaxMaxTokens = 1_000_000;
    public const int MaxTimeoutSeconds = 600;
    public const int OrganizationIdMaxLength = 128;
    public const int LastErrorMaxLength = 500;
    public const decimal MaxCostPer1M = 1_000_000m;

    /// <summary>
    /// Whether a key can be sent at all: it travels in an HTTP header (<c>Authorization</c>, <c>x-api-key</c>), which
    /// carries printable ASCII only. Every provider's keys are such.
    /// </summary>
    public static bool IsSendableApiKey(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return apiKey.All(c => c is >= '!' and <= '~');
    }
}
