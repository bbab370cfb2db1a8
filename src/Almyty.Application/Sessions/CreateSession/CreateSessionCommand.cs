using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Sessions.CreateSession;

/// <summary>An empty session for a provider; chat then uses it by its id like one it created itself.</summary>
public sealed record CreateSessionCommand(Guid ProviderId, string? Title = null, string? SystemPrompt = null)
    : ICommand<Result<SessionResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Use;
}
