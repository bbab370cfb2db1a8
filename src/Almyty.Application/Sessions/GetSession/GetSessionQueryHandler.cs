using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions.GetSession;

public sealed class GetSessionQueryHandler(IAlmytyDbContext db) : IQueryHandler<GetSessionQuery, Result<SessionDetailResponse>>
{
    public async ValueTask<Result<SessionDetailResponse>> Handle(GetSessionQuery query, CancellationToken cancellationToken)
    {
        var session = await db.ChatSessions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Id == query.SessionId && s.ProviderId == query.ProviderId, cancellationToken);
        if (session is null)
        {
            return await db.Providers.AnyAsync(p => p.Id == query.ProviderId, cancellationToken)
                ? SessionErrors.NotFound(query.SessionId)
                : ProviderErrors.NotFound(query.ProviderId);
        }

        // Appends take the sequence numbers after the session's count, so reading up to the count gives exactly the
        // messages the figures above describe, even while a chat appends more.
        var total = session.MessageCount;
        var skip = (long)(query.Page - 1) * query.Limit;
        var messages = skip >= total
            ? []
            : await db.ChatMessages.AsNoTracking()
                .Where(m => m.SessionId == session.Id && m.Sequence <= total)
                .OrderBy(m => m.Sequence)
                .Skip((int)skip)
                .Take(query.Limit)
                .Select(m => new { m.Id, m.Role, m.Content, m.Sequence, m.CreatedAt })
                .ToListAsync(cancellationToken);

        return session.ToDetailResponse(
            messages.ConvertAll(m => new SessionMessageResponse(m.Id, m.Role.ToWire(), m.Content, m.Sequence, m.CreatedAt)),
            new SessionMessagesPage(query.Page, query.Limit, total, SessionMapper.PageCount(total, query.Limit)));
    }
}
