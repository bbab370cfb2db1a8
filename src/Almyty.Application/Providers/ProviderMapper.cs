using Almyty.Domain.Providers;
using Riok.Mapperly.Abstractions;

namespace Almyty.Application.Providers;

[Mapper]
public static partial class ProviderMapper
{
    /// <summary>A provider with no usage counted yet: a new one.</summary>
    public static ProviderResponse ToResponse(this LlmProvider provider) => provider.ToResponse(usage: null);

    public static ProviderResponse ToResponse(this LlmProvider provider, ProviderWithUsage? usage)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ProviderResponse(
            provider.Id,
            provider.Name,
            provider.Kind.ToWire(),
            provider.Model ?? provider.Kind.DefaultModel(),
            provider.EffectiveBaseUrl.OriginalString,
            provider.Configuration.ToResponse(),
            provider.Status.ToWire(),
            provider.ApiKeyHint,
            usage?.TotalCost ?? 0m,
            usage?.TotalRequests ?? 0,
            usage?.TotalTokens ?? 0,
            usage?.LastUsedAt,
            provider.LastTestedAt,
            provider.LastError,
            provider.CreatedAt,
            provider.UpdatedAt)
        {
            Version = provider.Version,
        };
    }

    public static partial ProviderConfigurationResponse ToResponse(this ProviderConfiguration configuration);
}
