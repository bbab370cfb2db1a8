using System.Linq.Expressions;
using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Usage.GetProviderUsage;

/// <summary>
/// Sums the provider's usage records in SQL, one group per UTC day or per model, in one query; the totals are the sum
/// of the groups, so the breakdown always adds up to them. Every record is one chat call that went out (the same calls
/// the provider's counters count), so without a window the totals equal the counters exactly.
/// </summary>
public sealed class GetProviderUsageQueryHandler(IAlmytyDbContext db) : IQueryHandler<GetProviderUsageQuery, Result<ProviderUsageResponse>>
{
    public async ValueTask<Result<ProviderUsageResponse>> Handle(GetProviderUsageQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Providers.AsNoTracking().AnyAsync(p => p.Id == query.ProviderId, cancellationToken))
        {
            return ProviderErrors.NotFound(query.ProviderId);
        }

        if (!UsageWindow.TryParse(query.From, out var from) || !UsageWindow.TryParse(query.To, out var to))
        {
            // The validator refuses these first; only a sender that bypassed the pipeline gets here.
            return Error.Validation(UsageWindow.TryParse(query.From, out _) ? "to" : "from", $"The window's bounds must be {UsageWindow.Format}.");
        }

        // The validator compared the bounds as sent; moved up to the database's microseconds they may meet, and the
        // window is then empty. A bound in the last microsecond of year 9999 has no next microsecond to move up to:
        // nothing is stored at or after it, so as 'from' it selects nothing and as 'to' it bounds nothing.
        var records = db.UsageRecords.AsNoTracking().Where(u => u.ProviderId == query.ProviderId);
        if (from is { } start)
        {
            if (UsageWindow.TryCeilingToMicrosecond(start, out start))
            {
                records = records.Where(u => u.CreatedAt >= start);
                from = start;
            }
            else
            {
                records = records.Where(u => false);
                from = DateTimeOffset.MaxValue;
            }
        }

        if (to is { } end)
        {
            if (UsageWindow.TryCeilingToMicrosecond(end, out end))
            {
                records = records.Where(u => u.CreatedAt < end);
                to = end;
            }
            else
            {
                to = null;
            }
        }

        List<UsageBreakdownEntry> breakdown;
        if (query.GroupBy == UsageGroupings.Model)
        {
            // A failed call has no model reported by the provider: its record carries the model that was requested.
            var groups = await SumAsync(records, u => u.Model, cancellationToken);
            breakdown = [.. groups
                .Select(g => Entry(null, g.Key, g))
                .OrderByDescending(e => e.TotalCost)
                .ThenBy(e => e.Model, StringComparer.Ordinal)];
        }
        else
        {
            // Stored offsets are zero, so DateTime is the UTC clock time; Npgsql reads it as created_at AT TIME ZONE 'UTC',
            // which keeps the day UTC whatever the session's time zone.
            var groups = await SumAsync(records, u => u.CreatedAt.DateTime.Date, cancellationToken);
            breakdown = [.. groups
                .OrderBy(g => g.Key)
                .Select(g => Entry(DateOnly.FromDateTime(g.Key), null, g))];
        }

        return new ProviderUsageResponse(query.ProviderId, from, to, query.GroupBy, Total(breakdown), breakdown);
    }

    /// <remarks>Token columns are null when the provider reported no usage; they add nothing, as in the counters.</remarks>
    private static Task<List<UsageGroup<TKey>>> SumAsync<TKey>(IQueryable<UsageRecord> records, Expression<Func<UsageRecord, TKey>> key, CancellationToken cancellationToken) =>
        records
            .GroupBy(key)
            .Select(g => new UsageGroup<TKey>
            {
                Key = g.Key,
                Requests = g.LongCount(),
                Successful = g.LongCount(u => u.Outcome == UsageRecord.SuccessOutcome),
                InputTokens = g.Sum(u => (long)(u.InputTokens ?? 0)),
                OutputTokens = g.Sum(u => (long)(u.OutputTokens ?? 0)),
                Cost = g.Sum(u => u.Cost),
                LastRequestAt = g.Max(u => u.CreatedAt),
            })
            .ToListAsync(cancellationToken);

    private static UsageBreakdownEntry Entry<TKey>(DateOnly? day, string? model, UsageGroup<TKey> group) => new(
        day,
        model,
        group.Requests,
        group.Successful,
        group.Requests - group.Successful,
        group.InputTokens,
        group.OutputTokens,
        group.InputTokens + group.OutputTokens,
        group.Cost,
        group.LastRequestAt);

    private static UsageTotals Total(List<UsageBreakdownEntry> breakdown) => new(
        breakdown.Sum(e => e.TotalRequests),
        breakdown.Sum(e => e.SuccessfulRequests),
        breakdown.Sum(e => e.FailedRequests),
        breakdown.Sum(e => e.InputTokens),
        breakdown.Sum(e => e.OutputTokens),
        breakdown.Sum(e => e.TotalTokens),
        breakdown.Sum(e => e.TotalCost),
        breakdown.Count == 0 ? null : breakdown.Max(e => e.LastRequestAt));
}

/// <summary>One group's sums as SQL returns them; built with an initializer so EF Core can project into it.</summary>
internal sealed record UsageGroup<TKey>
{
    public required TKey Key { get; init; }
    public long Requests { get; init; }
    public long Successful { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public decimal Cost { get; init; }
    public DateTimeOffset LastRequestAt { get; init; }
}
