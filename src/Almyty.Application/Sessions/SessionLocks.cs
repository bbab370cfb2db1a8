using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions;

/// <summary>How the writing handlers find a session: under its row lock, the one chat appends take too.</summary>
internal static class SessionLocks
{
    /// <summary>
    /// Locks the session for the current transaction, so a write and a chat append queue instead of racing. The failure
    /// when the session is not under this provider in the caller's organization, or no longer has an expected version.
    /// </summary>
    public static async Task<Result<ChatSession>> LockAsync(
        this IAlmytyDbContext db,
        Guid providerId,
        Guid sessionId,
        IReadOnlyList<uint>? expectedVersions,
        CancellationToken cancellationToken)
    {
        var session = await db.LockSessionAsync(sessionId, cancellationToken);
        if (session is null || session.ProviderId != providerId)
        {
            return await db.Providers.AnyAsync(p => p.Id == providerId, cancellationToken)
                ? SessionErrors.NotFound(sessionId)
                : ProviderErrors.NotFound(providerId);
        }

        if (expectedVersions is { } expected && !expected.Contains(session.Version))
        {
            return SessionErrors.VersionMismatch();
        }

        return session;
    }
}
