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

    /// <summary>
    /// A new, empty session. The title is trimmed; a title or system prompt that breaks the limits of
    /// <see cref="ChatRules"/> is a bug of the caller (the validators refuse it first) and throws.
    /// </summary>
    public static ChatSession Start(Guid id, string organizationId, Guid providerId, string? title, string? systemPrompt, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(organizationId);
        now = now.ToStoragePrecision();
        return new ChatSession
        {
            Id = id,
            OrganizationId = organizationId,
            ProviderId = providerId,
            Title = CheckedTitle(title),
            SystemPrompt = CheckedSystemPrompt(systemPrompt),
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
        };
    }

    /// <summary>Gives the session a new title (trimmed), or none with null. Activity is untouched: only messages are activity.</summary>
    public void Rename(string? title, DateTimeOffset now)
    {
        Title = CheckedTitle(title);
        UpdatedAt = now.ToStoragePrecision();
    }

    /// <summary>
    /// Sets the session's own system prompt, or removes it with null, so chat falls back to the provider's. It applies
    /// to the next message; the stored history is not touched.
    /// </summary>
    public void ChangeSystemPrompt(string? systemPrompt, DateTimeOffset now)
    {
        SystemPrompt = CheckedSystemPrompt(systemPrompt);
        UpdatedAt = now.ToStoragePrecision();
    }

    /// <summary>A title as stored: trimmed, 1 to <see cref="ChatRules.TitleMaxLength"/> characters, no control characters; or null.</summary>
    public static string? NormalizeTitle(string? title) => title?.Trim();

    /// <summary>Whether <paramref name="title"/> may be stored after <see cref="NormalizeTitle"/>.</summary>
    public static bool IsValidTitle(string? title) =>
        NormalizeTitle(title) is not { } trimmed
        || (Characters.CountIsBetween(trimmed, 1, ChatRules.TitleMaxLength) && !Characters.HasControl(trimmed));

    /// <summary>Whether <paramref name="systemPrompt"/> may be stored: null, or some text within the provider configuration's limit.</summary>
    public static bool IsValidSystemPrompt(string? systemPrompt) =>
        systemPrompt is null || (!string.IsNullOrWhiteSpace(systemPrompt) && Characters.CountIsAtMost(systemPrompt, ChatRules.SystemPromptMaxLength));

    private static string? CheckedTitle(string? title) =>
        IsValidTitle(title)
            ? NormalizeTitle(title)
            : throw new ArgumentException($"A session title must be 1 to {ChatRules.TitleMaxLength} characters after trimming, without control characters.", nameof(title));

    private static string? CheckedSystemPrompt(string? systemPrompt) =>
        IsValidSystemPrompt(systemPrompt)
            ? systemPrompt
            : throw new ArgumentException($"A session system prompt must be 1 to {ChatRules.SystemPromptMaxLength} characters and not blank.", nameof(systemPrompt));

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
