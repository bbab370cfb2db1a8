using System.Threading.Channels;
using Almyty.Application.Usage;
using Almyty.Domain.Usage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Almyty.Infrastructure.Usage;

/// <summary>
/// Group commit of usage (docs/adr/0012-usage-group-commit.md). Each chat hands over its record and waits until it is
/// committed, so the totals a caller reads afterwards include it. One loop writes: whatever arrived while the
/// previous statement ran goes in the next one, a single statement that appends every record and adds them to one
/// random shard of each provider's totals. Concurrent chats share a round trip and a commit instead of queueing on
/// the same counter row, and the totals stay exact because the sums are taken in SQL.
/// </summary>
internal sealed class UsageWriter : IUsageRecorder, IAsyncDisposable
{
    /// <summary>Bounds one statement's parameter arrays; more waiting records go in the next statement.</summary>
    internal const int MaxBatch = 256;

    private const string Batch =
        """
        batch AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::int[], $8::numeric[], $9::bool[], $10::text[], $11::int[], $12::timestamptz[])
                AS b(id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
        ),
        recorded AS (
            INSERT INTO usage_records (id, organization_id, provider_id, session_id, model, input_tokens, output_tokens, cost, priced, outcome, duration_ms, created_at)
            SELECT * FROM batch
        )
        """;

    private const string AddToShards =
        """
        GROUP BY provider_id, organization_id
        ON CONFLICT (provider_id, shard) DO UPDATE SET
            total_requests = c.total_requests + EXCLUDED.total_requests,
            total_tokens = c.total_tokens + EXCLUDED.total_tokens,
            total_cost = c.total_cost + EXCLUDED.total_cost,
            last_used_at = GREATEST(c.last_used_at, EXCLUDED.last_used_at)
        """;

    private const string Totals =
        """
        INSERT INTO provider_usage_counters AS c (provider_id, shard, organization_id, total_requests, total_tokens, total_cost, last_used_at)
        SELECT provider_id, $13, organization_id, count(*), sum(COALESCE(input_tokens, 0)::bigint + COALESCE(output_tokens, 0)), sum(cost), max(created_at)
        """;

    private const string SynchronousStatement = $"WITH {Batch} {Totals} FROM batch {AddToShards}";

    // Committed without waiting for the WAL flush (docs/adr/0011). set_config(..., true) lasts for this statement's
    // own transaction only; joining `relaxed` makes PostgreSQL evaluate it.
    private const string RelaxedStatement =
        $"WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true)), {Batch} {Totals} FROM batch, relaxed {AddToShards}";

    /// <summary>Only the records, for a provider deleted while its call was in flight: its totals are gone, its history is not.</summary>
    private const string RecordsOnlyStatement = $"WITH {Batch} SELECT count(*) FROM batch";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _statement;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public UsageWriter(UsageDataSource dataSource, IOptions<UsageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource.Value;
        _statement = options.Value.SynchronousCommit ? SynchronousStatement : RelaxedStatement;
        _loop = Task.Run(WriteLoopAsync);
    }

    /// <remarks>
    /// The caller's token only stops the wait: once handed over, a record is written even if the caller has gone, since
    /// the provider has billed the call either way.
    /// </remarks>
    public Task RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var pending = new Pending(record);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The usage writer has stopped; the service is shutting down.");
        }

        return pending.Committed.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Stops taking records and writes those already handed over.
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await WriteAsync(batch);
                batch.ForEach(p => p.Committed.TrySetResult());
            }
            catch (PostgresException exception) when (batch.Count > 1 && IsRefusedValue(exception))
            {
                // A value the database refuses fails its own chat, not the chats (of any organization) batched with it.
                await WriteEachAsync(batch);
            }
            catch (Exception exception)
            {
                // Each waiting chat sees the failure as its own, as if it had written alone.
                batch.ForEach(p => p.Committed.TrySetException(exception));
            }
        }
    }

    /// <summary>Class 22, data exception: a value too long, a character the encoding refuses, a number out of range.</summary>
    private static bool IsRefusedValue(PostgresException exception) => exception.SqlState.StartsWith("22", StringComparison.Ordinal);

    private async Task WriteEachAsync(List<Pending> batch)
    {
        foreach (var pending in batch)
        {
            try
            {
                await WriteAsync([pending]);
                pending.Committed.TrySetResult();
            }
            catch (Exception exception)
            {
                pending.Committed.TrySetException(exception);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await ExecuteAsync(_statement, batch);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A provider in the batch was deleted meanwhile. Rare: write one record at a time, so the others keep their totals.
            if (batch.Count > 1)
            {
                foreach (var pending in batch)
                {
                    await WriteAsync([pending]);
                }

                return;
            }

            await ExecuteAsync(RecordsOnlyStatement, batch);
        }
    }

    private async Task ExecuteAsync(string sql, List<Pending> batch)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(Array(batch, r => r.Id));
        command.Parameters.Add(Array(batch, r => r.OrganizationId));
        command.Parameters.Add(Array(batch, r => r.ProviderId));
        command.Parameters.Add(Array(batch, r => r.SessionId));
        command.Parameters.Add(Array(batch, r => r.Model));
        command.Parameters.Add(Array(batch, r => r.InputTokens));
        command.Parameters.Add(Array(batch, r => r.OutputTokens));
        command.Parameters.Add(Array(batch, r => r.Cost));
        command.Parameters.Add(Array(batch, r => r.Priced));
        command.Parameters.Add(Array(batch, r => r.Outcome));
        command.Parameters.Add(Array(batch, r => r.DurationMs));
        command.Parameters.Add(Array(batch, r => r.CreatedAt));
        if (sql != RecordsOnlyStatement)
        {
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)Random.Shared.Next(ProviderUsageCounter.ShardCount) });
        }

        // Not the chat's token: a record handed over is written.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static NpgsqlParameter<T[]> Array<T>(List<Pending> batch, Func<UsageRecord, T> value) =>
        new() { TypedValue = batch.ConvertAll(p => value(p.Record)).ToArray() };

    private sealed record Pending(UsageRecord Record)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>The writer's own connections (at most one busy at a time), with the same settings as the DbContext's.</summary>
internal sealed class UsageDataSource(NpgsqlDataSource value) : IAsyncDisposable
{
    public NpgsqlDataSource Value { get; } = value;

    public ValueTask DisposeAsync() => Value.DisposeAsync();
}
