namespace Almyty.Application.Common.Persistence;

/// <summary>
/// Raised by the unit of work when the database gave up on a transaction because of a concurrent one
/// (deadlock or serialization failure): the change was not made and may be retried from a fresh read.
/// </summary>
public sealed class ConcurrencyConflictException : Exception
{
    public ConcurrencyConflictException()
    {
    }

    public ConcurrencyConflictException(string message)
        : base(message)
    {
    }

    public ConcurrencyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
