using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Sessions.UpdateSession;

/// <summary>A partial update: an absent field stays, a field present as null is cleared.</summary>
public sealed record UpdateSessionCommand(Guid ProviderId, Guid SessionId) : ICommand<Result<SessionResponse>>, IAuthorizedMessage
{
    public Optional<string?> Title { get; init; }
    public Optional<string?> SystemPrompt { get; init; }

    /// <summary>The versions If-Match names; null when the header is absent or <c>*</c>.</summary>
    public IReadOnlyList<uint>? ExpectedVersions { get; init; }

    public Permission RequiredPermission => Permission.Use;
}
