using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers;

/// <summary>A provider with its running totals summed from the usage shards, in one query.</summary>
public sealed record ProviderWithUsage(
    LlmProvider Provider,
    long TotalRequests,
    long TotalTokens,
    decimal TotalCost,
    DateTimeOffset? LastUsedAt)
{
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
        return new ProviderWithUsage(provider, totals?.Requests ?? 0, totals?.Tokens ?? 0, totals?.Cost ?? 0m, totals?.LastUsedAt);
    }

    public static IQueryable<ProviderWithUsage> WithUsage(this IQueryable<LlmProvider> providers, IQueryable<ProviderUsageCounter> counters) =>
        providers.Select(p => new ProviderWithUsage(
            p,
            counters.Where(c => c.ProviderId == p.Id).Sum(c => (long?)c.TotalRequests) ?? 0,
            counters.Where(c => c.ProviderId == p.Id).Sum(c => (long?)c.TotalTokens) ?? 0,
            counters.Where(c => c.ProviderId == p.Id).Sum(c => (decimal?)c.TotalCost) ?? 0m,
            counters.Where(c => c.ProviderId == p.Id).Max(c => c.LastUsedAt)));
}
