using FluentValidation;

namespace Almyty.Application.Sessions.UpdateSession;

public sealed class UpdateSessionCommandValidator : AbstractValidator<UpdateSessionCommand>
{
    public UpdateSessionCommandValidator()
    {
        When(c => c.Title.HasValue, () => RuleFor(c => c.Title.Value).ValidSessionTitle().OverridePropertyName("title"));
        When(c => c.SystemPrompt.HasValue, () => RuleFor(c => c.SystemPrompt.Value).ValidSessionSystemPrompt().OverridePropertyName("systemPrompt"));
    }
}
