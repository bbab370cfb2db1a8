using System.Linq.Expressions;
using Almyty.Domain.Chat;

namespace Almyty.Application.Sessions;

public static class SessionMapper
{
    /// <summary>The list's projection: only the session's columns are read.</summary>
    public static Expression<Func<ChatSession, SessionResponse>> Projection { get; } = s => new SessionResponse(
        s.Id,
        s.ProviderId,
        s.Title,
        s.SystemPrompt,
        s.MessageCount,
        s.TotalTokens,
        s.TotalCost,
        s.CreatedAt,
        s.UpdatedAt,
        s.LastActivityAt)
    {
        Version = s.Version,
    };

    private static readonly Func<ChatSession, SessionResponse> ToResponseCompiled = Projection.Compile();

    /// <summary>The same mapping as <see cref="Projection"/>, for a session already in memory.</summary>
    public static SessionResponse ToResponse(this ChatSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ToResponseCompiled(session);
    }

    public static SessionDetailResponse ToDetailResponse(this ChatSession session, IReadOnlyList<SessionMessageResponse> messages, SessionMessagesPage page)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new SessionDetailResponse(
            session.Id,
            session.ProviderId,
            session.Title,
            session.SystemPrompt,
            session.MessageCount,
            session.TotalTokens,
            session.TotalCost,
            session.CreatedAt,
            session.UpdatedAt,
            session.LastActivityAt,
            messages,
            page)
        {
            Version = session.Version,
        };
    }

    /// <summary>Pages needed for <paramref name="total"/> items; 0 when there are none.</summary>
    public static int PageCount(int total, int limit) => (int)(((long)total + limit - 1) / limit);
}
