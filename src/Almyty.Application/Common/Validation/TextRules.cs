using FluentValidation;

namespace Almyty.Application.Common.Validation;

/// <summary>Rules for free text that is stored or sent on: PostgreSQL cannot hold the NUL character in text or jsonb.</summary>
public static class TextRules
{
    public const string NulInStop = "A 'stop' string must not contain the NUL character (U+0000).";

    public static IRuleBuilderOptions<T, string?> WithoutNul<T>(this IRuleBuilder<T, string?> rule, string field) =>
        rule.Must(text => !HasNul(text)).WithMessage(NulIn(field));

    public static bool HasNul(string? text) => text?.Contains('\0', StringComparison.Ordinal) == true;

    public static string NulIn(string field) => $"'{field}' must not contain the NUL character (U+0000).";
}
