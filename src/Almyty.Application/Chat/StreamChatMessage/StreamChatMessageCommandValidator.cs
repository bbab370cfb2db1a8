using FluentValidation;

namespace Almyty.Application.Chat.StreamChatMessage;

public sealed class StreamChatMessageCommandValidator : AbstractValidator<StreamChatMessageCommand>
{
    public StreamChatMessageCommandValidator() => this.AddChatMessageRules();
}
