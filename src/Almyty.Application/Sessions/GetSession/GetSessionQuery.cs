using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Sessions.GetSession;

/// <summary>One session with a page of its messages, oldest first.</summary>
public sealed record GetSessionQuery(
    Guid ProviderId,
    Guid SessionId,
    int Page = GetSessionQuery.DefaultPage,
    int Limit = GetSessionQuery.DefaultLimit) : IQuery<Result<SessionDetailResponse>>, IAuthorizedMessage
{
    public const int DefaultPage = 1;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public Permission RequiredPermission => Permission.Read;
}
