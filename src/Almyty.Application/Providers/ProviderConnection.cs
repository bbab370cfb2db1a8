using Almyty.Domain.Providers;

namespace Almyty.Application.Providers;

/// <summary>
/// What a call to a provider needs of it (chat, test, model discovery). Immutable: the same instance may serve many
/// requests at once when it comes from the cache behind <see cref="Common.Abstractions.IProviderConnections"/>.
/// The key stays sealed; each call unseals it for itself.
/// </summary>
public sealed record ProviderConnection(
    Guid Id,
    string OrganizationId,
    ProviderKind Kind,
    string? Model,
    Uri BaseUrl,
    ProviderConfiguration Configuration,
    ProviderStatus Status,
    EncryptedSecret ApiKey)
{
    public static ProviderConnection Of(LlmProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return new ProviderConnection(
            provider.Id,
            provider.OrganizationId,
            provider.Kind,
            provider.Model,
            provider.EffectiveBaseUrl,
            provider.Configuration,
            provider.Status,
            provider.ApiKey);
    }
}
