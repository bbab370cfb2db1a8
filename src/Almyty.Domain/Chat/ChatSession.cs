using Almyty.Domain.Common;

namespace Almyty.Domain.Chat;

/// <summary>A server-side conversation with one provider of one organization.</summary>
public sealed class ChatSession
{
#pragma warning disable CS8618 // Used by EF Core only.
    private ChatSession()
    {
    }
#pragma warning restore CS8618

    public Guid Id { get; private set; }
    public string OrganizationId { get; private set; }
    public Guid ProviderId { get; private set; }
    public string? Title { get; private set; }
    public string? SystemPrompt { get; private set; }
    public int MessageCount { get; private set; }
    public long TotalTokens { get; private set; }
    public decimal TotalCost { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset LastActivityAt { get; private set; }

    /// <summary>The row version (PostgreSQL xmin): two appends at once cannot both take the same sequence numbers.</summary>
    public uint Version { get; private set; }

    public static ChatSession Start(Guid id, string organizationId, Guid providerId, string? title, string? systemPrompt, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        now = now.ToStoragePrecision();
        return new ChatSession
        {
            Id = id,
            OrganizationId = organizationId,
            ProviderId = providerId,
            Title = title,
            SystemPrompt = systemPrompt,
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
        };
    }

    /// <summary>Appends a completed exchange: the user's message and the assistant's reply, adjacent and in order.</summary>
    public (ChatMessage User, ChatMessage Assistant) AppendTurn(
        Guid userMessageId,
        string userContent,
        Guid assistantMessageId,
        string assistantContent,
        long tokens,
        decimal cost,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(userContent);
        ArgumentNullException.ThrowIfNull(assistantContent);
        now = now.ToStoragePrecision();
        var user = ChatMessage.Create(userMessageId, this, MessageCount + 1, ChatRole.User, userContent, now);
        var assistant = ChatMessage.Create(assistantMessageId, this, MessageCount + 2, ChatRole.Assistant, assistantContent, now);
        MessageCount += 2;
        TotalTokens += tokens;
        TotalCost += cost;
        LastActivityAt = now;
        UpdatedAt = now;
        return (user, assistant);
    }
}
