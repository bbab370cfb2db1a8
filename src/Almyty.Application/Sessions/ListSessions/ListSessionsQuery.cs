using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Sessions.ListSessions;

/// <summary>A provider's sessions, most recent activity first.</summary>
public sealed record ListSessionsQuery(
    Guid ProviderId,
    int Page = ListSessionsQuery.DefaultPage,
    int Limit = ListSessionsQuery.DefaultLimit) : IQuery<Result<SessionListResponse>>, IAuthorizedMessage
{
    public const int DefaultPage = 1;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public Permission RequiredPermission => Permission.Read;
}
