using System.Linq.Expressions;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers;

/// <summary>A provider with its running totals summed from the usage shards, in one query.</summary>
/// <remarks>Built with an object initializer, not a constructor, so EF Core can sort and page on its members.</remarks>
public sealed record ProviderWithUsage
{
    public required LlmProvider Provider { get; init; }
    public long TotalRequests { get; init; }
    public long TotalTokens { get; init; }
    public decimal TotalCost { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }

    public ProviderResponse ToResponse() => Provider.ToResponse(this);
}

public static class ProviderQueries
{
    /// <summary>The totals of one provider, for a handler that already holds the tracked entity.</summary>
    public static async Task<ProviderWithUsage> WithUsageAsync(this IQueryable<ProviderUsageCounter> counters, LlmProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var totals = await counters
            .Where(c => c.ProviderId == provider.Id)
            .GroupBy(c => c.ProviderId)
            .Select(g => new { Requests = g.Sum(c => c.TotalRequests), Tokens = g.Sum(c => c.TotalTokens), Cost = g.Sum(c => c.TotalCost), LastUsedAt = g.Max(c => c.LastUsedAt) })
            .FirstOrDefaultAsync(cancellationToken);
        return new ProviderWithUsage
        {
            Provider = provider,
            TotalRequests = totals?.Requests ?? 0,
            TotalTokens = totals?.Tokens ?? 0,
            TotalCost = totals?.Cost ?? 0m,
            LastUsedAt = totals?.LastUsedAt,
        };
    }

    /// <summary>The sums over one provider's shards: one aggregate per provider (a LEFT JOIN LATERAL), not one sub-select per total.</summary>
    /// <remarks>Built once: the read and chat paths run it on every request, and through the navigation, not a captured query (which would defeat EF's query cache).</remarks>
    public static readonly Expression<Func<LlmProvider, IEnumerable<UsageTotals?>>> TotalsOf = p => p.UsageCounters
        .GroupBy(c => c.ProviderId)
        .Select(g => new UsageTotals
        {
            Requests = g.Sum(c => c.TotalRequests),
            Tokens = g.Sum(c => c.TotalTokens),
            Cost = g.Sum(c => c.TotalCost),
            LastUsedAt = g.Max(c => c.LastUsedAt),
        })
        .DefaultIfEmpty();

    /// <summary>A provider and its totals; a provider never used has no shard rows, so every total is null and counts as zero.</summary>
    public static readonly Expression<Func<LlmProvider, UsageTotals?, ProviderWithUsage>> WithTotals = (p, u) => new ProviderWithUsage
    {
        Provider = p,
        TotalRequests = u!.Requests ?? 0,
        TotalTokens = u.Tokens ?? 0,
        TotalCost = u.Cost ?? 0m,
        LastUsedAt = u.LastUsedAt,
    };

    public static IQueryable<ProviderWithUsage> WithUsage(this IQueryable<LlmProvider> providers) => providers.SelectMany(TotalsOf, WithTotals);
}

/// <summary>What <see cref="ProviderQueries.TotalsOf"/> sums; nullable because a provider without usage has no row.</summary>
public sealed class UsageTotals
{
    public long? Requests { get; init; }
    public long? Tokens { get; init; }
    public decimal? Cost { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
}
