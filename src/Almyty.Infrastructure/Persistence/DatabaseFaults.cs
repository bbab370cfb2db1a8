using Npgsql;

namespace Almyty.Infrastructure.Persistence;

/// <summary>Faults of the database itself, as against faults of the request or of the code.</summary>
public static class DatabaseFaults
{
    /// <summary>
    /// Whether the exception (or one it wraps, as EF Core does) says PostgreSQL cannot serve now: it cannot be reached,
    /// the connection broke or timed out, no pooled connection came free in time, or the server is shutting down,
    /// starting up or out of connections. Worth trying again later, unlike a bug.
    /// </summary>
    public static bool IsUnavailable(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return ExceptionChain.Of(exception).Any(e => e switch
        {
            // 08: connection exception; 53: insufficient resources (too many connections, out of memory or disk);
            // 57P: the server is shutting down, crashed or is starting.
            PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),

            // Npgsql's own: a socket, I/O or timeout failure underneath (connection refused, reset, the pool's wait).
            NpgsqlException npgsql => npgsql.IsTransient,
            _ => false,
        });
    }
}
