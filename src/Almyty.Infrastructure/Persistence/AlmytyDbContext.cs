using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Application.Providers;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Almyty.Infrastructure.Persistence;

/// <remarks>
/// Pooled (AddPooledDbContextFactory): an instance outlives its request, so the caller is not a constructor
/// argument but set on every rental by <see cref="PersistenceSetup.RentFor"/>, the only way a request obtains one
/// (the migrator and the readiness check take contexts from the factory and read no tenant's rows).
/// </remarks>
internal sealed class AlmytyDbContext(DbContextOptions<AlmytyDbContext> options)
    : DbContext(options), IAlmytyDbContext
{
    // Compiled once: EF then skips translating the LINQ tree and looking it up in its query cache on every call,
    // which profiling showed to be a quarter of the API's CPU time for a GET of one provider.
    private static readonly Func<AlmytyDbContext, Guid, CancellationToken, Task<LlmProvider?>> ProviderById =
        EF.CompileAsyncQuery((AlmytyDbContext db, Guid id, CancellationToken _) =>
            db.Providers.AsNoTracking().FirstOrDefault(p => p.Id == id));

    private static readonly Func<AlmytyDbContext, Guid, CancellationToken, Task<ProviderWithUsage?>> ProviderWithUsageById =
        EF.CompileAsyncQuery((AlmytyDbContext db, Guid id, CancellationToken _) =>
            db.Providers.AsNoTracking().Where(p => p.Id == id).SelectMany(ProviderQueries.TotalsOf, ProviderQueries.WithTotals).FirstOrDefault());

    private ICurrentPrincipal? _principal;

    public DbSet<LlmProvider> Providers => Set<LlmProvider>();

    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();

    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

    public IQueryable<ProviderUsageCounter> UsageCounters => Set<ProviderUsageCounter>().AsNoTracking();

    public void ClearChanges() => ChangeTracker.Clear();

    public Task<LlmProvider?> FindProviderAsync(Guid providerId, CancellationToken cancellationToken) =>
        ProviderById(this, providerId, cancellationToken);

    public Task<ProviderWithUsage?> FindProviderWithUsageAsync(Guid providerId, CancellationToken cancellationToken) =>
        ProviderWithUsageById(this, providerId, cancellationToken);

    public Task<IDbContextTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        Database.BeginTransactionAsync(cancellationToken);

    public Task<ChatSession?> LockSessionAsync(Guid sessionId, CancellationToken cancellationToken) =>
        ChatSessions.FromSql($"SELECT *, xmin FROM chat_sessions WHERE id = {sessionId} FOR UPDATE").FirstOrDefaultAsync(cancellationToken);

    public async Task StartSessionIfAbsentAsync(ChatSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await Database.ExecuteSqlAsync(
            $"""
            INSERT INTO chat_sessions (id, organization_id, provider_id, title, system_prompt, message_count, total_tokens, total_cost, created_at, updated_at, last_activity_at)
            VALUES ({session.Id}, {session.OrganizationId}, {session.ProviderId}, {session.Title}, {session.SystemPrompt}, {session.MessageCount}, {session.TotalTokens}, {session.TotalCost}, {session.CreatedAt}, {session.UpdatedAt}, {session.LastActivityAt})
            ON CONFLICT (id) DO NOTHING
            """,
            cancellationToken);
    }

    /// <summary>The tenant every query is filtered by; nobody signed in sees nothing.</summary>
    internal string? CurrentOrganizationId => _principal?.OrganizationId;

    /// <summary>Providers changed or deleted by the save, or the transaction, in progress (<see cref="ProviderCache.ProviderChangeInterceptor"/>).</summary>
    internal List<Guid> ProvidersBeingSaved { get; } = [];

    /// <summary>Binds this rented instance to the caller of the current scope (replacing the previous renter's).</summary>
    internal AlmytyDbContext ActingFor(ICurrentPrincipal principal)
    {
        _principal = principal;
        return this;
    }

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not DbUpdateConcurrencyException && PostgresErrorOf(exception) is { } postgres)
        {
            throw postgres.SqlState switch
            {
                PostgresErrorCodes.UniqueViolation =>
                    new DuplicateKeyException("A unique index refused the change.", exception) { ConstraintName = postgres.ConstraintName },
                PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure =>
                    new ConcurrencyConflictException("A concurrent transaction won; the change was rolled back.", exception),
                _ => exception,
            };
        }
    }

    private static PostgresException? PostgresErrorOf(Exception exception) => ExceptionChain.Find<PostgresException>(exception);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AlmytyDbContext).Assembly);

        // Tenancy lives here, not in each handler: a forgotten Where cannot leak another organization's rows.
        modelBuilder.Entity<LlmProvider>().HasQueryFilter(p => p.OrganizationId == CurrentOrganizationId);
        modelBuilder.Entity<ProviderUsageCounter>().HasQueryFilter(c => c.OrganizationId == CurrentOrganizationId);
        modelBuilder.Entity<ChatSession>().HasQueryFilter(s => s.OrganizationId == CurrentOrganizationId);
        modelBuilder.Entity<ChatMessage>().HasQueryFilter(m => m.OrganizationId == CurrentOrganizationId);
        modelBuilder.Entity<UsageRecord>().HasQueryFilter(u => u.OrganizationId == CurrentOrganizationId);
    }
}
