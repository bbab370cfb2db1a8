using Almyty.Application.Gateways;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;

namespace Almyty.Application.Models.GetProviderCatalog;

/// <summary>Static knowledge only: the domain's defaults and the price table. No database, no upstream call.</summary>
public sealed class GetProviderCatalogQueryHandler(IPriceCatalog prices) : IQueryHandler<GetProviderCatalogQuery, Result<ProviderCatalogResponse>>
{
    public ValueTask<Result<ProviderCatalogResponse>> Handle(GetProviderCatalogQuery query, CancellationToken cancellationToken)
    {
        var kinds = Enum.GetValues<ProviderKind>()
            .Select(kind => new ProviderKindResponse(
                kind.ToWire(),
                kind.DefaultBaseUrl()?.OriginalString,
                kind.DefaultModel(),
                kind.DefaultBaseUrl() is null,
                [.. prices.Models
                    .Where(m => m.Provider == kind)
                    .OrderBy(m => m.Id, StringComparer.Ordinal)
                    .Select(m => new CatalogModelResponse(m.Id, m.Price.InputPer1M, m.Price.OutputPer1M))]))
            .ToList();
        return ValueTask.FromResult<Result<ProviderCatalogResponse>>(new ProviderCatalogResponse(kinds));
    }
}
