using Almyty.Domain.Providers;
using Riok.Mapperly.Abstractions;

namespace Almyty.Application.Providers;

[Mapper]
public static partial class ProviderMapper
{
    public static ProviderResponse ToResponse(this LlmProvider provider)
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
            provider.TotalCost,
            provider.TotalRequests,
            provider.TotalTokens,
            provider.LastUsedAt,
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
