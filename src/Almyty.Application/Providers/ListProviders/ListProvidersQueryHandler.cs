using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers.ListProviders;

public sealed class ListProvidersQueryHandler(IAlmytyDbContext db) : IQueryHandler<ListProvidersQuery, Result<ProviderListResponse>>
{
    public async ValueTask<Result<ProviderListResponse>> Handle(ListProvidersQuery query, CancellationToken cancellationToken)
    {
        var providers = db.Providers.AsNoTracking();
        if (ProviderKinds.TryParse(query.Provider, out var kind))
        {
            providers = providers.Where(p => p.Kind == kind);
        }

        if (ProviderStatuses.TryParse(query.Status, out var status))
        {
            providers = providers.Where(p => p.Status == status);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var needle = LlmProvider.Normalize(query.Search);
            providers = providers.Where(p => p.NormalizedName.Contains(needle));
        }

        // One round trip: the page, each row carrying the total (an uncorrelated sub-select PostgreSQL runs once).
        // Computed wide: a page far past the end is an empty page, not an overflow.
        var skip = (long)(query.Page - 1) * query.Limit;
        var rows = skip > int.MaxValue
            ? []
            : await Sort(providers.WithUsage(), query.SortBy, query.SortOrder == SortOrders.Descending)
                .Skip((int)skip)
                .Take(query.Limit)
                .Select(p => new { Row = p, Total = providers.Count() })
                .ToListAsync(cancellationToken);

        // Only an empty page past the first needs its own count: there is no row to carry it.
        var total = rows.Count > 0 ? rows[0].Total
            : skip == 0 ? 0
            : await providers.CountAsync(cancellationToken);
        var page = rows.ConvertAll(r => r.Row);
        var totalPages = (int)Math.Ceiling(total / (double)query.Limit);
        return new ProviderListResponse(page.ConvertAll(p => p.ToResponse()), total, query.Page, query.Limit, totalPages);
    }

    /// <summary>Never-used providers sort last either way; the id breaks ties so pages never overlap.</summary>
    private static IOrderedQueryable<ProviderWithUsage> Sort(IQueryable<ProviderWithUsage> providers, string sortBy, bool descending) => sortBy switch
    {
        ProviderSortFields.Name => descending
            ? providers.OrderByDescending(p => p.Provider.NormalizedName).ThenByDescending(p => p.Provider.Id)
            : providers.OrderBy(p => p.Provider.NormalizedName).ThenBy(p => p.Provider.Id),
        ProviderSortFields.TotalCost => descending
            ? providers.OrderByDescending(p => p.TotalCost).ThenByDescending(p => p.Provider.Id)
            : providers.OrderBy(p => p.TotalCost).ThenBy(p => p.Provider.Id),
        ProviderSortFields.LastUsedAt => descending
            ? providers.OrderBy(p => p.LastUsedAt == null).ThenByDescending(p => p.LastUsedAt).ThenByDescending(p => p.Provider.Id)
            : providers.OrderBy(p => p.LastUsedAt == null).ThenBy(p => p.LastUsedAt).ThenBy(p => p.Provider.Id),
        _ => descending
            ? providers.OrderByDescending(p => p.Provider.CreatedAt).ThenByDescending(p => p.Provider.Id)
            : providers.OrderBy(p => p.Provider.CreatedAt).ThenBy(p => p.Provider.Id),
    };
}
