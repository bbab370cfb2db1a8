using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Almyty.Infrastructure.Persistence.ProviderCache;

/// <summary>
/// Removes a provider this instance changes or deletes from <see cref="ProviderConnectionCache"/> once the change is
/// saved, so the caller's next request sees it. Other instances hear of it from PostgreSQL a moment later.
/// </summary>
internal sealed class ProviderChangeInterceptor(ProviderConnectionCache cache) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteChangedProviders(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData,
        InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        NoteChangedProviders(eventData);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        ForgetChangedProviders(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ForgetChangedProviders(eventData);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => ForgetChangedProviders(eventData);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ForgetChangedProviders(eventData);
        return Task.CompletedTask;
    }

    private static void NoteChangedProviders(DbContextEventData eventData)
    {
        if (eventData.Context is not AlmytyDbContext db)
        {
            return;
        }

        db.ProvidersBeingSaved.Clear();
        foreach (var entry in db.ChangeTracker.Entries<LlmProvider>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                db.ProvidersBeingSaved.Add(entry.Entity.Id);
            }
        }
    }

    private void ForgetChangedProviders(DbContextEventData eventData)
    {
        if (eventData.Context is not AlmytyDbContext db)
        {
            return;
        }

        // A failed save may still have changed a row (a transaction the caller commits anyway): forgetting costs one read.
        foreach (var providerId in db.ProvidersBeingSaved)
        {
            cache.Forget(providerId);
        }

        db.ProvidersBeingSaved.Clear();
    }
}
