using Almyty.Application.Common.Abstractions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Almyty.Infrastructure.Persistence;

internal static class PersistenceSetup
{
    /// <summary>A context from the pool for one scope, bound to that scope's caller; disposing the scope returns it.</summary>
    public static AlmytyDbContext RentFor(IServiceProvider services) =>
        services.GetRequiredService<IDbContextFactory<AlmytyDbContext>>().CreateDbContext()
            .ActingFor(services.GetRequiredService<ICurrentPrincipal>());

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(WithPerformanceDefaults(connectionString), npgsql => npgsql.MigrationsHistoryTable("__ef_migrations_history"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Two connections per core (at least four) unless the connection string says otherwise. Each request holds a
    /// connection only for its own statements, so a few are enough; more only add PostgreSQL backends competing for
    /// the same cores, and after a burst a request waits on whichever cold backend the pool hands out next.
    /// </summary>
    internal static int DefaultMaxPoolSize => Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>
    /// Prepared statements for the hot queries (EF's SQL is stable, so PostgreSQL plans each once per connection),
    /// no session reset on each return to the pool (the service sets no session state), and a pool sized to the
    /// machine. An operator's own values in the connection string win.
    /// </summary>
    internal static string WithPerformanceDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!HasKey(connectionString, "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        // Prepared from the second use on: PostgreSQL then reuses the statement instead of parsing and planning it
        // on every request, which build/bench.sh showed to be most of the database's time per request.
        if (!HasKey(connectionString, "AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!HasKey(connectionString, "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        if (!HasKey(connectionString, "MaximumPoolSize", "MaxPoolSize"))
        {
            builder.MaxPoolSize = Math.Max(DefaultMaxPoolSize, builder.MinPoolSize);
        }

        return builder.ConnectionString;
    }

    /// <summary>Whether the connection string sets one of these keywords, written in any case and with any spacing.</summary>
    private static bool HasKey(string connectionString, params string[] names) =>
        connectionString.Split(';').Select(part => WithoutSpaces(part.Split('=')[0])).Any(key => names.Contains(key, StringComparer.OrdinalIgnoreCase));

    private static string WithoutSpaces(string key) => string.Concat(key.Where(c => !char.IsWhiteSpace(c)));
}
