namespace Almyty.Domain.Common;

/// <summary>An expected failure: a stable machine-readable code, a human message and a kind that decides the HTTP status.</summary>
public sealed record Error(string Code, string Message, ErrorKind Kind)
{
    public IReadOnlyList<FieldError> Fields { get; init; } = [];

    /// <summary>When the caller may try again, for rate limits passed on from a provider.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static Error Validation(string field, string message) =>
        new(ErrorCodes.Validation, message, ErrorKind.Validation) { Fields = [new FieldError(field, message)] };

    public static Error Validation(IReadOnlyList<FieldError> fields) =>
        new(ErrorCodes.Validation, fields.Count == 1 ? fields[0].Message : "The request is invalid.", ErrorKind.Validation) { Fields = fields };

    public static Error NotFound(string message) => new(ErrorCodes.NotFound, message, ErrorKind.NotFound);

    public static Error Conflict(string message) => new(ErrorCodes.Conflict, message, ErrorKind.Conflict);

    public static Error PreconditionFailed(string message) => new(ErrorCodes.PreconditionFailed, message, ErrorKind.PreconditionFailed);
}

public sealed record FieldError(string Field, string Message);
