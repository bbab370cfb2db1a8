using Almyty.Application.Common.Validation;
using Almyty.Application.Providers;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using FluentValidation;

namespace Almyty.Application.Chat;

/// <summary>The field rules of a chat call, shared by the validators of the streamed and the plain call.</summary>
public static class ChatMessageRules
{
    public static void AddChatMessageRules<T>(this AbstractValidator<T> validator)
        where T : IChatMessageCommand
    {
        ArgumentNullException.ThrowIfNull(validator);
        validator.RuleFor(c => c.Message)
            .Must(m => m is not null).WithMessage("'message' is required.")
            .Must(m => m is null || Characters.CountIsBetween(m, 1, ChatRules.MessageMaxLength))
            .WithMessage($"'message' must be 1 to {ChatRules.MessageMaxLength} characters.")
            .WithoutNul("message");
        validator.RuleFor(c => c.Model).ValidModel();
        validator.RuleFor(c => c.SystemPrompt)
            .WithoutNul("systemPrompt")
            .Must(p => p is null || Characters.CountIsAtMost(p, ProviderRules.SystemPromptMaxLength))
            .WithMessage($"'systemPrompt' must be at most {ProviderRules.SystemPromptMaxLength} characters.");
        validator.RuleFor(c => c.Temperature)
            .InclusiveBetween(0, ProviderRules.MaxTemperature)
            .WithMessage($"'temperature' must be between 0 and {ProviderRules.MaxTemperature:0.#}.");
        validator.RuleFor(c => c.MaxTokens)
            .InclusiveBetween(1, ProviderRules.MaxMaxTokens)
            .WithMessage($"'maxTokens' must be between 1 and {ProviderRules.MaxMaxTokens}.");
        validator.RuleFor(c => c.TopP).InclusiveBetween(0, 1).WithMessage("'topP' must be between 0 and 1.");
        validator.RuleFor(c => c.Stop)
            .Must(s => s is null || s.Count <= ProviderRules.MaxStopSequences)
            .WithMessage($"'stop' may hold at most {ProviderRules.MaxStopSequences} strings.")
            .Must(s => s is null || s.All(item => !string.IsNullOrEmpty(item) && Characters.CountIsAtMost(item, ProviderRules.StopSequenceMaxLength)))
            .WithMessage($"Each 'stop' string must be 1 to {ProviderRules.StopSequenceMaxLength} characters.")
            .Must(s => s is null || !s.Any(TextRules.HasNul))
            .WithMessage(TextRules.NulInStop);
    }
}
