using Almyty.Application.Common.Validation;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using FluentValidation;

namespace Almyty.Application.Sessions;

/// <summary>The field rules that creating and changing a session share; null is always allowed (no title, no own prompt).</summary>
public static class SessionValidationRules
{
    public static IRuleBuilderOptions<T, string?> ValidSessionTitle<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(title => title is null || Characters.CountIsBetween(ChatSession.NormalizeTitle(title)!, 1, ChatRules.TitleMaxLength))
            .WithMessage($"'title' must be 1 to {ChatRules.TitleMaxLength} characters after trimming; send null for no title.")
            .Must(title => title is null || !Characters.HasControl(ChatSession.NormalizeTitle(title)!))
            .WithMessage("'title' must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> ValidSessionSystemPrompt<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(prompt => prompt is null || !string.IsNullOrWhiteSpace(prompt))
            .WithMessage("'systemPrompt' must not be empty or blank; send null to use the provider's.")
            .WithoutNul("systemPrompt")
            .Must(prompt => prompt is null || Characters.CountIsAtMost(prompt, ChatRules.SystemPromptMaxLength))
            .WithMessage($"'systemPrompt' must be at most {ChatRules.SystemPromptMaxLength} characters.");
}

/// <summary>The paging rules of the session list and of a session's messages.</summary>
public static class SessionPagingRules
{
    public static IRuleBuilderOptions<T, int> ValidPage<T>(this IRuleBuilder<T, int> rule) =>
        rule.GreaterThanOrEqualTo(1).WithMessage("'page' must be 1 or more.");

    public static IRuleBuilderOptions<T, int> ValidLimit<T>(this IRuleBuilder<T, int> rule, int max) =>
        rule.InclusiveBetween(1, max).WithMessage($"'limit' must be between 1 and {max}.");
}
