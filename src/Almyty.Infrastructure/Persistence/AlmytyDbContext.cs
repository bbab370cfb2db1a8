using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Almyty.Infrastructure.Persistence;

internal sealed class AlmytyDbContext(DbContextOptions<AlmytyDbContext> options, ICurrentPrincipal principal)
    : DbContext(options), IAlmytyDbContext
{
    public DbSet<LlmProvider> Providers => Set<LlmProvider>();

    public DbSet<ChatSession> ChatSessions => Set<ChatSession>();

    public DbSet<ChatMessage> ChatMessages => Set<ChatMessage>();

    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();

    public IQueryable<ProviderUsageCounter> UsageCounters => Set<ProviderUsageCounter>().AsNoTracking();

    public void ClearChanges() => ChangeTracker.Clear();

    /// <summary>The tenant every query is filtered by; nobody signed in sees nothing.</summary>
    internal string? CurrentOrganizationId => principal.OrganizationId;

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique)
        {
            throw new DuplicateKeyException("A unique index refused the change.", exception) { ConstraintName = unique.ConstraintName };
        }
    }

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
