namespace Almyty.Application.Chat;

/// <summary><c>Chat__*</c>: the platform defaults and the bounds of history replay.</summary>
public sealed class ChatOptions
{
    public const string SectionName = "Chat";

    /// <summary>The most recent turns replayed to the provider; a turn is one exchange, the user's message and the reply.</summary>
    public int HistoryMaxTurns { get; set; } = 50;

    /// <summary>The most characters of stored messages replayed; the oldest whole turns go first.</summary>
    public int HistoryMaxCharacters { get; set; } = 200_000;

    /// <summary>The time an upstream call may take, retries included, unless the provider sets <c>timeoutSeconds</c>.</summary>
    public int DefaultTimeoutSeconds { get; set; } = 60;

    public double DefaultTemperature { get; set; } = 0.7;

    public int DefaultMaxTokens { get; set; } = 4096;

    public double DefaultTopP { get; set; } = 1.0;

    /// <summary>What a connection test asks for: a handful of tokens at most.</summary>
    public int TestMaxTokens { get; set; } = 5;
}
