using Almyty.Domain.Common;

namespace Almyty.Domain.Chat;

public static class SessionErrors
{
    /// <summary>No such session under this provider in the caller's organization (another organization's looks the same).</summary>
    public static Error NotFound(Guid sessionId) => Error.NotFound($"Session '{sessionId}' was not found.");

    public static Error VersionMismatch() => Error.PreconditionFailed("The session has changed since it was read (If-Match does not match its ETag).");

    public static Error ModifiedConcurrently() => Error.Conflict("The session was changed by another request at the same time; read it again and retry.");

    public static Error DeletedDuringChat(Guid sessionId) =>
        Error.Conflict($"Session '{sessionId}' was deleted while this message was being answered; the reply was not stored.");
}
