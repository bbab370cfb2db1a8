namespace Almyty.Application.Common.Persistence;

/// <summary>Raised by the unit of work when a unique index refuses a change (a race the handler's own check lost).</summary>
public sealed class DuplicateKeyException : Exception
{
    public DuplicateKeyException()
    {
    }

    public DuplicateKeyException(string message)
        : base(message)
    {
    }

    public DuplicateKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ConstraintName { get; init; }
}
