using Almyty.Application.Common.Validation;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using FluentValidation;

namespace Almyty.Application.Providers;

/// <summary>The field rules that creating and changing a provider share.</summary>
public static class ProviderValidationRules
{
    public static IRuleBuilderOptions<T, string?> ValidProviderName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(name => name is not null).WithMessage("'name' is required.")
            .Must(name => name is null || Characters.CountIsBetween(name.Trim(), 1, ProviderRules.NameMaxLength))
            .WithMessage($"'name' must be 1 to {ProviderRules.NameMaxLength} characters after trimming.")
            .Must(name => name is null || !Characters.HasControl(name.Trim())).WithMessage("'name' must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> ValidProviderKind<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(kind => ProviderKinds.TryParse(kind, out _))
            .WithMessage($"'provider' must be one of: {string.Join(", ", ProviderKinds.All)}.");

    public static IRuleBuilderOptions<T, string?> ValidApiKey<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(key => key is not null).WithMessage("'apiKey' is required.")
            .Must(key => key is null || Characters.CountIsBetween(key, 1, ProviderRules.ApiKeyMaxLength))
            .WithMessage($"'apiKey' must be 1 to {ProviderRules.ApiKeyMaxLength} characters.")
            .Must(key => key is null || !key.Any(c => char.IsWhiteSpace(c) || Characters.IsControl(c)))
            .WithMessage("'apiKey' must not contain whitespace or control characters.")
            .Must(key => key is null || key.Any(c => char.IsWhiteSpace(c) || Characters.IsControl(c)) || ProviderRules.IsSendableApiKey(key))
            .WithMessage("'apiKey' must be printable ASCII: it is sent in an HTTP header, which cannot carry other characters.");

    public static IRuleBuilderOptions<T, string?> ValidModel<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(model => model is null || Characters.CountIsBetween(model, 1, ProviderRules.ModelMaxLength))
            .WithMessage($"'model' must be 1 to {ProviderRules.ModelMaxLength} characters.")
            .Must(model => model is null || !model.Any(c => char.IsWhiteSpace(c) || Characters.IsControl(c)))
            .WithMessage("'model' must not contain whitespace or control characters.");

    public static IRuleBuilderOptions<T, string?> ValidBaseUrl<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(url => url is null || Characters.CountIsAtMost(url, ProviderRules.BaseUrlMaxLength))
            .WithMessage($"'baseUrl' must be at most {ProviderRules.BaseUrlMaxLength} characters.")
            .Must(url => url is null || BaseUrls.TryParse(url, out _, out _))
            .WithMessage((_, url) => BaseUrls.TryParse(url!, out Uri? _, out var problem) ? string.Empty : problem!);

    public static IRuleBuilderOptions<T, string?> ValidStatus<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(status => status is not null && ProviderStatuses.ClientSettable.Contains(status))
            .WithMessage($"'status' may be set to one of: {string.Join(", ", ProviderStatuses.ClientSettable)}.");
}

/// <summary>The rules for each configuration key; null means "remove the key" and is always allowed.</summary>
public sealed class ProviderConfigurationPatchValidator : AbstractValidator<ProviderConfigurationPatch>
{
    public ProviderConfigurationPatchValidator()
    {
        RuleFor(c => c.Temperature)
            .Must(v => IsNullOr(v, t => t is >= 0 and <= ProviderRules.MaxTemperature))
            .WithMessage($"'temperature' must be between 0 and {ProviderRules.MaxTemperature:0.#}.");
        RuleFor(c => c.MaxTokens)
            .Must(v => IsNullOr(v, t => t is >= 1 and <= ProviderRules.MaxMaxTokens))
            .WithMessage($"'maxTokens' must be between 1 and {ProviderRules.MaxMaxTokens}.");
        RuleFor(c => c.TopP)
            .Must(v => IsNullOr(v, p => p is >= 0 and <= 1))
            .WithMessage("'topP' must be between 0 and 1.");
        RuleFor(c => c.SystemPrompt)
            .Must(v => IsNullOr(v, s => !TextRules.HasNul(s)))
            .WithMessage(TextRules.NulIn("systemPrompt"))
            .Must(v => IsNullOr(v, s => Characters.CountIsAtMost(s, ProviderRules.SystemPromptMaxLength)))
            .WithMessage($"'systemPrompt' must be at most {ProviderRules.SystemPromptMaxLength} characters.");
        RuleFor(c => c.Stop)
            .Must(v => IsNullOr(v, s => s.Count <= ProviderRules.MaxStopSequences))
            .WithMessage($"'stop' may hold at most {ProviderRules.MaxStopSequences} strings.")
            .Must(v => IsNullOr(v, s => s.All(item => !string.IsNullOrEmpty(item) && Characters.CountIsAtMost(item, ProviderRules.StopSequenceMaxLength))))
            .WithMessage($"Each 'stop' string must be 1 to {ProviderRules.StopSequenceMaxLength} characters.")
            .Must(v => IsNullOr(v, s => !s.Any(TextRules.HasNul)))
            .WithMessage(TextRules.NulInStop);
        RuleFor(c => c.TimeoutSeconds)
            .Must(v => IsNullOr(v, t => t is >= 1 and <= ProviderRules.MaxTimeoutSeconds))
            .WithMessage($"'timeoutSeconds' must be between 1 and {ProviderRules.MaxTimeoutSeconds}.");
        RuleFor(c => c.InputCostPer1M)
            .Must(v => IsNullOr(v, p => p is >= 0 and <= ProviderRules.MaxCostPer1M))
            .WithMessage($"'inputCostPer1M' must be a price in USD per million tokens between 0 and {ProviderRules.MaxCostPer1M:0}.");
        RuleFor(c => c.OutputCostPer1M)
            .Must(v => IsNullOr(v, p => p is >= 0 and <= ProviderRules.MaxCostPer1M))
            .WithMessage($"'outputCostPer1M' must be a price in USD per million tokens between 0 and {ProviderRules.MaxCostPer1M:0}.");
    }

    private static bool IsNullOr<TValue>(Optional<TValue?> value, Func<TValue, bool> rule)
        where TValue : struct =>
        !value.HasValue || value.Value is not { } present || rule(present);

    private static bool IsNullOr<TValue>(Optional<TValue?> value, Func<TValue, bool> rule)
        where TValue : class =>
        !value.HasValue || value.Value is not { } present || rule(present);
}

public static class BaseUrls
{
    /// <summary>Parses a URL the validator has already accepted.</summary>
    public static Uri Parse(string value) =>
        TryParse(value, out var url, out var problem) ? url! : throw new ArgumentException(problem, nameof(value));

    /// <summary>An absolute http(s) URL without user-info or fragment; a trailing slash on the path is dropped.</summary>
    public static bool TryParse(string value, out Uri? url, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(value);
        url = null;
        value = value.Trim();
        if (!Uri.TryCreate(value, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            problem = "'baseUrl' must be an absolute http or https URL.";
            return false;
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            problem = "'baseUrl' must not contain user information.";
            return false;
        }

        if (value.Contains('#', StringComparison.Ordinal))
        {
            problem = "'baseUrl' must not contain a fragment.";
            return false;
        }

        // A query string (an api-version, say) is kept; the gateways insert their paths before it.
        url = parsed.Query.Length == 0
            ? new Uri(value.TrimEnd('/'), UriKind.Absolute)
            : new Uri(parsed.GetLeftPart(UriPartial.Authority) + parsed.AbsolutePath.TrimEnd('/') + parsed.Query, UriKind.Absolute);
        problem = null;
        return true;
    }
}
