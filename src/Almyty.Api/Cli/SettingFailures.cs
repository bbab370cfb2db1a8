using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Cli;

/// <summary>
/// The settings failures inside an exception: a validation failure, a value the binder could not convert, or
/// several of those gathered in an AggregateException. Anything else is not a settings problem: empty.
/// </summary>
internal static partial class SettingFailures
{
    public static IReadOnlyList<string> Of(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        InvalidOperationException conversion when Unconvertible(conversion) is { } failure => [failure],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Of(e).Count > 0) =>
            [.. aggregate.InnerExceptions.SelectMany(Of)],
        _ => [],
    };

    /// <summary>"Failed to convert configuration value '…' at 'Chat:DefaultTimeoutSeconds' to type 'System.Int32'."</summary>
    private static string? Unconvertible(InvalidOperationException exception)
    {
        var match = ConversionFailure().Match(exception.Message);
        if (!match.Success)
        {
            return null;
        }

        // The value itself is left out: a mistyped setting may sit next to a secret.
        var setting = match.Groups["path"].Value.Replace(":", "__", StringComparison.Ordinal);
        var type = match.Groups["type"].Value.Replace("System.", string.Empty, StringComparison.Ordinal) switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Decimal" => "a number",
            "Boolean" => "true or false",
            var other => "a " + other,
        };
        return $"{setting} must be {type}.";
    }

    [GeneratedRegex(@"^Failed to convert configuration value .* at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailure();
}
