using Almyty.Application.Providers;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Almyty.Application.Common.Abstractions;

/// <summary>The unit of work the handlers use. Every query is already scoped to the caller's organization.</summary>
public interface IAlmytyDbContext
{
    DbSet<LlmProvider> Providers { get; }

    DbSet<ChatSession> ChatSessions { get; }

    DbSet<ChatMessage> ChatMessages { get; }

    /// <summary>Read-only here: the usage recorder adds to the shards atomically.</summary>
    IQueryable<ProviderUsageCounter> UsageCounters { get; }

    /// <summary>Read-only here: the usage recorder appends them (one per upstream chat call) with the counters, in SQL.</summary>
    DbSet<UsageRecord> UsageRecords { get; }

    /// <summary>One provider, untracked; null when the caller's organization has none with this id.</summary>
    /// <remarks>A precompiled query. Calls to a provider look it up through <see cref="IProviderConnections"/>, which asks this when it has to.</remarks>
    Task<LlmProvider?> FindProviderAsync(Guid providerId, CancellationToken cancellationToken);

    /// <summary>One provider with its running totals, untracked; null when the caller's organization has none with this id.</summary>
    /// <remarks>A precompiled query, like <see cref="FindProviderAsync"/>.</remarks>
    Task<ProviderWithUsage?> FindProviderWithUsageAsync(Guid providerId, CancellationToken cancellationToken);

    /// <exception cref="Persistence.DuplicateKeyException">A unique index refused the change.</exception>
    /// <exception cref="DbUpdateConcurrencyException">A row changed since it was read.</exception>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken);

    Task<IDbContextTransaction> BeginTransactionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads a session and locks its row until the current transaction ends, so appends to one session queue up
    /// instead of racing. Null when the caller's organization has no such session.
    /// </summary>
    Task<ChatSession?> LockSessionAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a new session unless a session with its id exists already (of any organization), without an error
    /// when two first messages race to create it. Lock it afterwards to see which one is there.
    /// </summary>
    Task StartSessionIfAbsentAsync(ChatSession session, CancellationToken cancellationToken);

    /// <summary>Forgets every tracked change, so a handler can reload and retry after a concurrency conflict.</summary>
    void ClearChanges();
}
