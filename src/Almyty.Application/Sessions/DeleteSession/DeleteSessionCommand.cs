using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Sessions.DeleteSession;

/// <param name="ExpectedVersions">The versions If-Match names; null when the header is absent or <c>*</c>.</param>
public sealed record DeleteSessionCommand(Guid ProviderId, Guid SessionId, IReadOnlyList<uint>? ExpectedVersions = null)
    : ICommand<Result<SessionDeletedResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Use;
}
