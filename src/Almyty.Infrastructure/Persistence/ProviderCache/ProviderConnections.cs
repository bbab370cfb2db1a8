using Almyty.Application.Common.Abstractions;
using Almyty.Application.Providers;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

internal sealed class ProviderConnections(IAlmytyDbContext db, ICurrentPrincipal principal, ProviderConnectionCache cache) : IProviderConnections
{
    public async ValueTask<ProviderConnection?> FindAsync(Guid providerId, CancellationToken cancellationToken)
    {
        var organizationId = principal.OrganizationId;
        if (organizationId is not null && cache.TryGet(providerId, organizationId, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        var provider = await db.FindProviderAsync(providerId, cancellationToken);
        if (provider is null)
        {
            return null;
        }

        var connection = ProviderConnection.Of(provider);
        cache.Add(connection, generation);
        return connection;
    }
}
