using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Models.ListProviderModels;

/// <summary>The models a provider serves, asked of the provider itself with the stored key, each with the price chat would charge.</summary>
public sealed record ListProviderModelsQuery(Guid ProviderId) : IQuery<Result<ProviderModelsResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Read;
}

public sealed record ProviderModelsResponse(Guid ProviderId, IReadOnlyList<ProviderModelResponse> Models);

/// <param name="Priced">Whether both prices are known (from the provider's overrides or the price table).</param>
/// <param name="InputCostPer1M">USD per 1M input tokens; null when unknown.</param>
/// <param name="OutputCostPer1M">USD per 1M output tokens; null when unknown.</param>
public sealed record ProviderModelResponse(
    string Id,
    string? DisplayName,
    DateTimeOffset? CreatedAt,
    string? OwnedBy,
    bool Priced,
    decimal? InputCostPer1M,
    decimal? OutputCostPer1M);
