using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Models.GetProviderCatalog;

/// <summary>The provider kinds the service speaks, with their defaults and the models of the shipped price table.</summary>
public sealed record GetProviderCatalogQuery : IQuery<Result<ProviderCatalogResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Read;
}

public sealed record ProviderCatalogResponse(IReadOnlyList<ProviderKindResponse> Providers);

/// <param name="DefaultBaseUrl">The base URL used when a provider names none; null when one is required.</param>
/// <param name="DefaultModel">The model used when neither the provider nor the request names one.</param>
/// <param name="Models">The kind's models in the price table, by id; a custom endpoint's models are whatever it serves.</param>
public sealed record ProviderKindResponse(
    string Provider,
    string? DefaultBaseUrl,
    string? DefaultModel,
    bool RequiresBaseUrl,
    IReadOnlyList<CatalogModelResponse> Models);

/// <summary>List prices in USD per 1M tokens.</summary>
public sealed record CatalogModelResponse(string Id, decimal InputCostPer1M, decimal OutputCostPer1M);
