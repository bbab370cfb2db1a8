using Almyty.Application.Usage;
using Almyty.Domain.Usage;
using Almyty.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Almyty.Infrastructure.Usage;

/// <summary>
/// One statement: the usage row is appended and one random shard of the provider's totals is incremented in SQL,
/// so concurrent calls never read-modify-write and rarely touch the same row. Record and totals commit together.
/// </summary>
internal sealed class UsageRecorder(AlmytyDbContext db, IOptions<UsageOptions> options) : IUsageRecorder
{
    public async Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var shard = (short)Random.Shared.Next(ProviderUsageCounter.ShardCount);
        try
        {
            if (options.Value.SynchronousCommit)
            {
                await db.Database.ExecuteSqlAsync(
                    $"""
                    WITH recorded AS (
                        INSERT INTO usage_records (id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
                        VALUES ({record.Id}, {record.OrganizationId}, {record.ProviderId}, {record.SessionId}, {record.Model}, {record.InputTokens}, {record.OutputTokens}, {record.Cost}, {record.Priced}, {record.Outcome}, {record.DurationMs}, {record.CreatedAt})
                    )
                    INSERT INTO provider_usage_counters AS c (provider_id, shard, organization_id, total_requests, total_tokens, total_cost, last_used_at)
                    VALUES ({record.ProviderId}, {shard}, {record.OrganizationId}, 1, {record.TotalTokens}, {record.Cost}, {record.CreatedAt})
                    ON CONFLICT (provider_id, shard) DO UPDATE SET
                        total_requests = c.total_requests + 1,
                        total_tokens = c.total_tokens + EXCLUDED.total_tokens,
                        total_cost = c.total_cost + EXCLUDED.total_cost,
                        last_used_at = GREATEST(c.last_used_at, EXCLUDED.last_used_at)
                    """,
                    cancellationToken);
                return;
            }

            // The same statement, committed without waiting for the WAL flush (a 3-12 ms fsync on the benchmark
            // machine, most of a chat's overhead). set_config(..., true) lasts for this statement's own transaction
            // only, and the INSERT ... SELECT FROM relaxed makes PostgreSQL evaluate it.
            await db.Database.ExecuteSqlAsync(
                $"""
                WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)),
                recorded AS (
                    INSERT INTO usage_records (id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
                    VALUES ({record.Id}, {record.OrganizationId}, {record.ProviderId}, {record.SessionId}, {record.Model}, {record.InputTokens}, {record.OutputTokens}, {record.Cost}, {record.Priced}, {record.Outcome}, {record.DurationMs}, {record.CreatedAt})
                )
                INSERT INTO provider_usage_counters AS c (provider_id, shard, organization_id, total_requests, total_tokens, total_cost, last_used_at)
                SELECT {record.ProviderId}, {shard}, {record.OrganizationId}, 1, {record.TotalTokens}, {record.Cost}, {record.CreatedAt} FROM relaxed
                ON CONFLICT (provider_id, shard) DO UPDATE SET
                    total_requests = c.total_requests + 1,
                    total_tokens = c.total_tokens + EXCLUDED.total_tokens,
                    total_cost = c.total_cost + EXCLUDED.total_cost,
                    last_used_at = GREATEST(c.last_used_at, EXCLUDED.last_used_at)
                """,
                cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The provider was deleted while the call was in flight: its totals are gone, the history is not.
            db.UsageRecords.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
