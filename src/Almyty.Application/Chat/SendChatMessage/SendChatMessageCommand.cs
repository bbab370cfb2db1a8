using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Chat.SendChatMessage;

/// <summary>A user message to a provider; with a session id the conversation's history goes along and the exchange is stored.</summary>
public sealed record SendChatMessageCommand(
    Guid ProviderId,
    string? Message,
    Guid? SessionId = null,
    string? Model = null,
    string? SystemPrompt = null,
    double? Temperature = null,
    int? MaxTokens = null,
    double? TopP = null,
    IReadOnlyList<string>? Stop = null) : ICommand<Result<ChatResponse>>, IAuthorizedMessage, IChatMessageCommand
{
    public Permission RequiredPermission => Permission.Use;
}

public sealed record ChatResponse(
    Guid? SessionId,
    ChatResponseMessage Message,
    string Model,
    string FinishReason,
    ChatUsage Usage,
    decimal Cost,
    bool Priced,
    int ResponseTime);

public sealed record ChatResponseMessage(string Role, string Content);

/// <summary>Token counts as the provider reported them; null (and <c>reported: false</c>) when it reported none.</summary>
public sealed record ChatUsage(int? InputTokens, int? OutputTokens, long? TotalTokens, bool Reported);
