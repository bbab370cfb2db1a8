namespace Almyty.Domain.Chat;

/// <summary>One stored turn of a session: a row per message, in the order the session gave it.</summary>
public sealed class ChatMessage
{
#pragma warning disable CS8618 // Used by EF Core only.
    private ChatMessage()
    {
    }
#pragma warning restore CS8618

    public Guid Id { get; private set; }
    public Guid SessionId { get; private set; }
    public string OrganizationId { get; private set; }

    /// <summary>The message's place in its session, from 1; unique per session.</summary>
    public int Sequence { get; private set; }

    public ChatRole Role { get; private set; }
    public string Content { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    internal static ChatMessage Create(Guid id, ChatSession session, int sequence, ChatRole role, string content, DateTimeOffset now) => new()
    {
        Id = id,
        SessionId = session.Id,
        OrganizationId = session.OrganizationId,
        Sequence = sequence,
        Role = role,
        Content = content,
        CreatedAt = now,
    };
}
