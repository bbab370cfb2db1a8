using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Providers.ListProviders;

public sealed record ListProvidersQuery(
    int Page = ListProvidersQuery.DefaultPage,
    int Limit = ListProvidersQuery.DefaultLimit,
    string? Provider = null,
    string? Status = null,
    string? Search = null,
    string SortBy = ProviderSortFields.CreatedAt,
    string SortOrder = SortOrders.Descending) : IQuery<Result<ProviderListResponse>>, IAuthorizedMessage
{
    public const int DefaultPage = 1;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    public const int MaxSearchLength = 100;

    public Permission RequiredPermission => Permission.Read;
}

public static class ProviderSortFields
{
    public const string CreatedAt = "createdAt";
    public const string Name = "name";
    public const string TotalCost = "totalCost";
    public const string LastUsedAt = "lastUsedAt";

    public static IReadOnlyList<string> All { get; } = [CreatedAt, Name, TotalCost, LastUsedAt];
}

public static class SortOrders
{
    public const string Ascending = "asc";
    public const string Descending = "desc";

    public static IReadOnlyList<string> All { get; } = [Ascending, Descending];
}
