using FluentValidation;

namespace Almyty.Application.Sessions.CreateSession;

public sealed class CreateSessionCommandValidator : AbstractValidator<CreateSessionCommand>
{
    public CreateSessionCommandValidator()
    {
        RuleFor(c => c.Title).ValidSessionTitle();
        RuleFor(c => c.SystemPrompt).ValidSessionSystemPrompt();
    }
}
