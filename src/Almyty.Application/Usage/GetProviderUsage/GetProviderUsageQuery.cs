using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Usage.GetProviderUsage;

/// <summary>
/// A provider's usage from its usage records, within an optional window (<paramref name="From"/> inclusive,
/// <paramref name="To"/> exclusive; each an ISO 8601 date or a date-time with an offset), broken down by UTC day or by model.
/// </summary>
public sealed record GetProviderUsageQuery(
    Guid ProviderId,
    string? From = null,
    string? To = null,
    string GroupBy = UsageGroupings.Day) : IQuery<Result<ProviderUsageResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Read;
}

public static class UsageGroupings
{
    public const string Day = "day";
    public const string Model = "model";

    public static IReadOnlyList<string> All { get; } = [Day, Model];
}
