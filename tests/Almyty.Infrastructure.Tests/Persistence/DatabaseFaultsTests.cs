using System.Net.Sockets;
using Almyty.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Almyty.Infrastructure.Tests.Persistence;

public sealed class DatabaseFaultsTests
{
    [Theory]
    [InlineData("08006")] // connection failure
    [InlineData("53300")] // too many connections
    [InlineData("57P01")] // admin shutdown
    [InlineData("57P03")] // cannot connect now (starting up)
    public void A_server_that_cannot_serve_now_is_unavailable(string sqlState) =>
        DatabaseFaults.IsUnavailable(Postgres(sqlState)).ShouldBeTrue();

    [Theory]
    [InlineData("23505")] // unique violation
    [InlineData("22001")] // value too long
    [InlineData("42P01")] // undefined table: a bug or a missing migration
    [InlineData("40001")] // serialization failure
    public void What_the_request_or_the_code_caused_is_not(string sqlState) =>
        DatabaseFaults.IsUnavailable(Postgres(sqlState)).ShouldBeFalse();

    [Fact]
    public void A_refused_connection_is_unavailable() =>
        DatabaseFaults.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();

    [Fact]
    public void A_pool_that_had_no_connection_in_time_is_unavailable() =>
        DatabaseFaults.IsUnavailable(new NpgsqlException("The connection pool has been exhausted", new TimeoutException())).ShouldBeTrue();

    [Fact]
    public void Wrapped_by_ef_core_it_is_still_found() =>
        DatabaseFaults.IsUnavailable(new DbUpdateException("An error occurred while saving", new NpgsqlException("Exception while reading from stream", new IOException()))).ShouldBeTrue();

    [Fact]
    public void Other_exceptions_are_not() =>
        DatabaseFaults.IsUnavailable(new InvalidOperationException("Sequence contains no elements")).ShouldBeFalse();

    private static PostgresException Postgres(string sqlState) => new("message", "ERROR", "ERROR", sqlState);
}
