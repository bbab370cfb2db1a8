using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Configuration;

/// <summary>
/// Binds an options group from its configuration section like <c>OptionsBuilder.Bind</c>, except for a value that does
/// not convert (<c>Chat__DefaultTimeoutSeconds=abc</c>). The binder throws at the first such value, and the start-up
/// validation lets that exception escape before it has run the other groups' checks, so one typo hid every other
/// failure. Here each unconvertible value is left at its default and becomes a validation failure of its group, listed
/// with the group's range and required checks and with every other group's (docs/configuration.md).
/// </summary>
public static partial class SettingsBinding
{
    public static OptionsBuilder<TOptions> BindListingUnconvertible<TOptions>(this OptionsBuilder<TOptions> builder, IConfigurationSection section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        var failures = new ConditionalWeakTable<TOptions, IReadOnlyList<string>>();
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(new ConfigurationChangeTokenSource<TOptions>(builder.Name, section));
        builder.Configure(options => failures.AddOrUpdate(options, Bind(section, options)));
        // Registered before the group's own checks, so its unconvertible values come first in its list.
        builder.Services.AddSingleton<IValidateOptions<TOptions>>(new UnconvertibleValues<TOptions>(builder.Name, failures));
        return builder;
    }

    /// <summary>
    /// "Failed to convert configuration value '…' at 'Chat:DefaultTimeoutSeconds' to type 'System.Int32'." as
    /// <c>Chat__DefaultTimeoutSeconds must be a whole number.</c>; null for any other exception.
    /// </summary>
    public static string? Describe(InvalidOperationException exception) =>
        ConversionFailure(exception) is { } failure ? failure.Message : null;

    private static List<string> Bind<TOptions>(IConfigurationSection section, TOptions options)
        where TOptions : class
    {
        // Found on throwaway instances: binding the same instance again would append to its lists a second time.
        var failures = new List<string>();
        var unconvertible = new List<string>();
        IConfiguration source = section;
        while (true)
        {
            try
            {
                source.Bind(Activator.CreateInstance<TOptions>());
                break;
            }
            catch (InvalidOperationException exception) when (ConversionFailure(exception) is { } failure
                && !unconvertible.Contains(failure.Path, StringComparer.OrdinalIgnoreCase))
            {
                unconvertible.Add(failure.Path);
                failures.Add(failure.Message);
                source = Without(section, unconvertible);
            }
        }

        source.Bind(options);
        return failures;
    }

    /// <summary>A copy of the section without the given paths and what lies under them.</summary>
    private static IConfigurationSection Without(IConfigurationSection section, List<string> paths) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(section.AsEnumerable().Where(setting => !paths.Exists(path =>
                setting.Key.Equals(path, StringComparison.OrdinalIgnoreCase)
                || setting.Key.StartsWith(path + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase))))
            .Build()
            .GetSection(section.Path);

    private static (string Path, string Message)? ConversionFailure(InvalidOperationException exception)
    {
        var match = ConversionFailurePattern().Match(exception.Message);
        if (!match.Success)
        {
            return null;
        }

        // The value itself is left out: a mistyped setting may sit next to a secret.
        var path = match.Groups["path"].Value;
        var setting = path.Replace(ConfigurationPath.KeyDelimiter, "__", StringComparison.Ordinal);
        var type = match.Groups["type"].Value.Replace("System.", string.Empty, StringComparison.Ordinal) switch
        {
            "Int32" or "Int64" => "a whole number",
            "Double" or "Decimal" => "a number",
            "Boolean" => "true or false",
            var other => "a " + other,
        };
        return (path, $"{setting} must be {type}.");
    }

    [GeneratedRegex(@"^Failed to convert configuration value .* at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ConversionFailurePattern();

    private sealed class UnconvertibleValues<TOptions>(string? optionsName, ConditionalWeakTable<TOptions, IReadOnlyList<string>> failures) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            (optionsName is null || optionsName == name) && failures.TryGetValue(options, out var found) && found.Count > 0
                ? ValidateOptionsResult.Fail(found)
                : ValidateOptionsResult.Skip;
    }
}
