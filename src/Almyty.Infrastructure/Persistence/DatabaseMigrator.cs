using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Infrastructure.Persistence;

/// <summary>Applies pending migrations; used by the `migrate` command and on start.</summary>
public static class DatabaseMigrator
{
    public static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        // A context of its own, outside any request: migrations read no tenant's rows.
        await using var db = await services.GetRequiredService<IDbContextFactory<AlmytyDbContext>>().CreateDbContextAsync(cancellationToken);
        // Npgsql reads the history table without checking that it exists, which logs a spurious failed query on an
        // empty database (npgsql/efcore.pg#3407); creating it first keeps the logs honest.
        var history = db.GetService<IHistoryRepository>();
        await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        return pending;
    }
}
