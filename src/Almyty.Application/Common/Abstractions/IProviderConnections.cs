using Almyty.Application.Providers;

namespace Almyty.Application.Common.Abstractions;

/// <summary>
/// Looks up a provider for a call to it. May answer from memory: a change to a provider made through this instance
/// is seen by the next request, and one made anywhere else (another instance, the rotate-secrets command, SQL) as
/// soon as PostgreSQL's notification of it arrives (docs/adr/0014-provider-connection-cache.md).
/// </summary>
public interface IProviderConnections
{
    /// <summary>The caller's organization's provider with this id; null when it has none.</summary>
    ValueTask<ProviderConnection?> FindAsync(Guid providerId, CancellationToken cancellationToken);
}
