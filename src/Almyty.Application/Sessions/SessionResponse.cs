using System.Text.Json.Serialization;

namespace Almyty.Application.Sessions;

/// <summary>A session as clients see it: its own fields and running totals. Nothing of the provider's secrets.</summary>
public sealed record SessionResponse(
    Guid Id,
    Guid ProviderId,
    string? Title,
    string? SystemPrompt,
    int MessageCount,
    long TotalTokens,
    decimal TotalCost,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastActivityAt)
{
    /// <summary>The row version behind the ETag header; not part of the body.</summary>
    [JsonIgnore]
    public uint Version { get; init; }
}

/// <summary>A session with one page of its messages, oldest first.</summary>
public sealed record SessionDetailResponse(
    Guid Id,
    Guid ProviderId,
    string? Title,
    string? SystemPrompt,
    int MessageCount,
    long TotalTokens,
    decimal TotalCost,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastActivityAt,
    IReadOnlyList<SessionMessageResponse> Messages,
    SessionMessagesPage MessagesPage)
{
    /// <summary>The row version behind the ETag header; not part of the body.</summary>
    [JsonIgnore]
    public uint Version { get; init; }
}

/// <param name="Role"><c>user</c> or <c>assistant</c>.</param>
/// <param name="Sequence">The message's place in its session, from 1.</param>
public sealed record SessionMessageResponse(Guid Id, string Role, string Content, int Sequence, DateTimeOffset CreatedAt);

public sealed record SessionMessagesPage(int Page, int Limit, int Total, int TotalPages);

public sealed record SessionListResponse(IReadOnlyList<SessionResponse> Sessions, int Total, int Page, int Limit, int TotalPages);

public sealed record SessionDeletedResponse(Guid Id, bool Deleted);
