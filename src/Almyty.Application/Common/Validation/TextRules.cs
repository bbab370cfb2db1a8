using FluentValidation;

namespace Almyty.Application.Common.Validation;

/// <summary>Rules for free text that is stored or sent on: PostgreSQL cannot hold the NUL character in text or jsonb.</summary>
public static class TextRules
{
    public static IRuleBuilderOptions<T, string?> WithoutNul<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(text => text is null || !text.Contains('\0', StringComparison.Ordinal))
            .WithMessage($"'{field}' must not contain the NUL character (U+0000).");
}
