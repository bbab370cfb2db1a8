using Almyty.Domain.Common;

namespace Almyty.Api.Endpoints.Sessions;

/// <summary>The body of <c>POST /llm-providers/{id}/sessions</c>; both members are optional, and so is the body.</summary>
public sealed record CreateSessionRequest
{
    public string? Title { get; init; }
    public string? SystemPrompt { get; init; }
}

/// <summary>The body of <c>PATCH /llm-providers/{id}/sessions/{sessionId}</c>: an absent member stays, <c>null</c> clears it.</summary>
public sealed record UpdateSessionRequest
{
    public Optional<string?> Title { get; init; }
    public Optional<string?> SystemPrompt { get; init; }
}
