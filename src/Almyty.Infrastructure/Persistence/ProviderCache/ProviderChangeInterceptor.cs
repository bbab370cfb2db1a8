using System.Data.Common;
using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>
/// Removes a provider this instance changes or deletes from <see cref="ProviderConnectionCache"/> once the change is
/// committed, so the caller's next request sees it: after the save, and again when an explicit transaction around it
/// commits (a read between the two would otherwise keep the old row). Other instances hear of it from PostgreSQL.
/// </summary>
internal sealed class ProviderChangeInterceptor(ProviderConnectionCache cache) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteChangedProviders(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        NoteChangedProviders(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AfterSave(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AfterSave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // A failed or cancelled save may still have changed a row (the server committed before the caller gave up, or a
    // transaction the caller commits anyway): forgetting costs one read.
    public override void SaveChangesFailed(DbContextErrorEventData eventData) => AfterSave(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterSave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => AfterSave(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterSave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => AfterCommit(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterCommit(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => AfterCommit(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        AfterCommit(eventData.Context);
        return Task.CompletedTask;
    }

    private static void NoteChangedProviders(DbContext? context)
    {
        if (context is not AlmytyDbContext db)
        {
            return;
        }

        foreach (var entry in db.ChangeTracker.Entries<LlmProvider>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                db.ProvidersBeingSaved.Add(entry.Entity.Id);
            }
        }
    }

    private void AfterSave(DbContext? context)
    {
        if (context is not AlmytyDbContext db)
        {
            return;
        }

        Forget(db);
        if (db.Database.CurrentTransaction is null)
        {
            db.ProvidersBeingSaved.Clear();
        }
    }

    private void AfterCommit(DbContext? context)
    {
        if (context is AlmytyDbContext db)
        {
            Forget(db);
            db.ProvidersBeingSaved.Clear();
        }
    }

    private void Forget(AlmytyDbContext db)
    {
        foreach (var providerId in db.ProvidersBeingSaved)
        {
            cache.Forget(providerId);
        }
    }
}
