using Almyty.Application.Usage;
using Almyty.Domain.Usage;
using Almyty.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Almyty.Infrastructure.Usage;

/// <summary>
/// One statement: the usage row is appended and one random shard of the provider's totals is incremented in SQL,
/// so concurrent calls never read-modify-write and rarely touch the same row. Record and totals commit together.
/// </summary>
internal sealed class UsageRecorder(AlmytyDbContext db, IOptions<UsageOptions> options) : IUsageRecorder
{
    private const string InsertRecord =
        """
        INSERT INTO usage_records (id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
        """;

    private const string AddToShard =
        """
        ON CONFLICT (provider_id, shard) DO UPDATE SET
            total_requests = c.total_requests + 1,
            total_tokens = c.total_tokens + EXCLUDED.total_tokens,
            total_cost = c.total_cost + EXCLUDED.total_cost,
            last_used_at = GREATEST(c.last_used_at, EXCLUDED.last_used_at)
        """;

    private const string SynchronousStatement =
        $"""
        WITH recorded AS ({InsertRecord})
        INSERT INTO provider_usage_counters AS c (provider_id, shard, organization_id, total_requests, total_tokens, total_cost, last_used_at)
        VALUES ($3, $13, $2, 1, $14, $8, $12)
        {AddToShard}
        """;

    // The same statement, committed without waiting for the WAL flush (a 3-12 ms fsync on the benchmark machine,
    // most of a chat's overhead). set_config(..., true) lasts for this statement's own transaction only, and the
    // INSERT ... SELECT FROM relaxed makes PostgreSQL evaluate it.
    private const string RelaxedStatement =
        $"""
        WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)),
        recorded AS ({InsertRecord})
        INSERT INTO provider_usage_counters AS c (provider_id, shard, organization_id, total_requests, total_tokens, total_cost, last_used_at)
        SELECT $3, $13, $2, 1, $14, $8, $12 FROM relaxed
        {AddToShard}
        """;

    public async Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var shard = (short)Random.Shared.Next(ProviderUsageCounter.ShardCount);
        try
        {
            await ExecuteAsync(options.Value.SynchronousCommit ? SynchronousStatement : RelaxedStatement, record, shard, cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // The provider was deleted while the call was in flight: its totals are gone, the history is not.
            db.UsageRecords.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A plain command with typed positional parameters on the context's own connection (and transaction, if one
    /// is open): EF's raw-SQL path would map each parameter's type and rewrite the SQL on every chat.
    /// </summary>
    private async Task ExecuteAsync(string sql, UsageRecord record, short shard, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection())
            {
                Transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction,
                Parameters =
                {
                    new NpgsqlParameter<Guid> { TypedValue = record.Id },
                    new NpgsqlParameter<string> { TypedValue = record.OrganizationId },
                    new NpgsqlParameter<Guid> { TypedValue = record.ProviderId },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = record.SessionId is { } session ? session : DBNull.Value },
                    new NpgsqlParameter<string> { TypedValue = record.Model },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = record.InputTokens is { } input ? input : DBNull.Value },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = record.OutputTokens is { } output ? output : DBNull.Value },
                    new NpgsqlParameter<decimal> { TypedValue = record.Cost },
                    new NpgsqlParameter<bool> { TypedValue = record.Priced },
                    new NpgsqlParameter<string> { TypedValue = record.Outcome },
                    new NpgsqlParameter<int> { TypedValue = record.DurationMs },
                    new NpgsqlParameter<DateTimeOffset> { TypedValue = record.CreatedAt },
                    new NpgsqlParameter<short> { TypedValue = shard },
                    new NpgsqlParameter<long> { TypedValue = record.TotalTokens },
                },
            };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
