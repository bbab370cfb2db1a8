using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions.ListSessions;

public sealed class ListSessionsQueryHandler(IAlmytyDbContext db) : IQueryHandler<ListSessionsQuery, Result<SessionListResponse>>
{
    public async ValueTask<Result<SessionListResponse>> Handle(ListSessionsQuery query, CancellationToken cancellationToken)
    {
        if (!await db.Providers.AnyAsync(p => p.Id == query.ProviderId, cancellationToken))
        {
            return ProviderErrors.NotFound(query.ProviderId);
        }

        var sessions = db.ChatSessions.AsNoTracking().Where(s => s.ProviderId == query.ProviderId);
        var total = await sessions.CountAsync(cancellationToken);

        // Computed wide: a page far past the end is an empty page, not an overflow.
        var skip = (long)(query.Page - 1) * query.Limit;
        var page = skip >= total
            ? []
            : await sessions
                .OrderByDescending(s => s.LastActivityAt)
                .ThenByDescending(s => s.Id)
                .Skip((int)skip)
                .Take(query.Limit)
                .Select(SessionMapper.Projection)
                .ToListAsync(cancellationToken);

        return new SessionListResponse(page, total, query.Page, query.Limit, SessionMapper.PageCount(total, query.Limit));
    }
}
