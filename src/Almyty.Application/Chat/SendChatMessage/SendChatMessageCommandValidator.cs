using FluentValidation;

namespace Almyty.Application.Chat.SendChatMessage;

public sealed class SendChatMessageCommandValidator : AbstractValidator<SendChatMessageCommand>
{
    public SendChatMessageCommandValidator() => this.AddChatMessageRules();
}
