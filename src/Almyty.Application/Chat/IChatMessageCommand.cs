namespace Almyty.Application.Chat;

/// <summary>What a chat call asks for, streamed or not: the same fields, the same rules, the same resolution.</summary>
public interface IChatMessageCommand
{
    Guid ProviderId { get; }

    string? Message { get; }

    Guid? SessionId { get; }

    string? Model { get; }

    string? SystemPrompt { get; }

    double? Temperature { get; }

    int? MaxTokens { get; }

    double? TopP { get; }

    IReadOnlyList<string>? Stop { get; }
}
