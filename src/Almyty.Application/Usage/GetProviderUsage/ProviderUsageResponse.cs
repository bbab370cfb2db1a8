using System.Text.Json.Serialization;

namespace Almyty.Application.Usage.GetProviderUsage;

/// <param name="From">The window's start as resolved (UTC); null when the window has none.</param>
/// <param name="To">The window's end (exclusive) as resolved; null when the window has none, or when it was sent in the
/// last microsecond of year 9999, past which nothing is stored.</param>
public sealed record ProviderUsageResponse(
    Guid ProviderId,
    DateTimeOffset? From,
    DateTimeOffset? To,
    string GroupBy,
    UsageTotals Totals,
    IReadOnlyList<UsageBreakdownEntry> Breakdown);

/// <summary>
/// What the provider's usage records add up to. <c>totalTokens</c> is input plus output tokens as the provider
/// reported them (a call without reported usage adds none), the same sum as the provider's <c>totalTokens</c> counter.
/// </summary>
public sealed record UsageTotals(
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long InputTokens,
    long OutputTokens,
    long TotalTokens,
    decimal TotalCost,
    DateTimeOffset? LastRequestAt);

/// <summary>One UTC day (<c>day</c>, <c>yyyy-MM-dd</c>) or one model (<c>model</c>) of the breakdown, with its totals.</summary>
public sealed record UsageBreakdownEntry(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? Day,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Model,
    long TotalRequests,
    long SuccessfulRequests,
    long FailedRequests,
    long InputTokens,
    long OutputTokens,
    long TotalTokens,
    decimal TotalCost,
    DateTimeOffset? LastRequestAt);
