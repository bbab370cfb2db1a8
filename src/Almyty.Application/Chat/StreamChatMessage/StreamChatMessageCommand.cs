using Almyty.Application.Chat.SendChatMessage;
using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Chat.StreamChatMessage;

/// <summary>
/// A chat message whose reply is relayed piece by piece as the provider sends it. Everything up to the provider's
/// response headers is checked before the handler returns, so each failure until then is an ordinary error.
/// </summary>
public sealed record StreamChatMessageCommand(
    Guid ProviderId,
    string? Message,
    Guid? SessionId = null,
    string? Model = null,
    string? SystemPrompt = null,
    double? Temperature = null,
    int? MaxTokens = null,
    double? TopP = null,
    IReadOnlyList<string>? Stop = null) : ICommand<Result<ChatStreamResponse>>, IAuthorizedMessage, IChatMessageCommand
{
    public Permission RequiredPermission => Permission.Use;
}

/// <summary>
/// The reply being streamed: any number of <see cref="ChatDeltaEvent"/>, then one <see cref="ChatDoneEvent"/> or one
/// <see cref="ChatErrorEvent"/>. Enumerate it exactly once, to the end or until cancelled: enumerating is what records
/// the call's usage and closes the upstream connection.
/// </summary>
public sealed record ChatStreamResponse(IAsyncEnumerable<ChatEvent> Events);

public abstract record ChatEvent;

/// <summary>A piece of the reply, as the provider sent it.</summary>
public sealed record ChatDeltaEvent(string Content) : ChatEvent;

/// <summary>The stream completed: the same answer a plain call returns in <c>data</c>.</summary>
public sealed record ChatDoneEvent(ChatResponse Response) : ChatEvent;

/// <summary>The stream failed after it started; nothing was appended to the session.</summary>
public sealed record ChatErrorEvent(Error Error) : ChatEvent;
