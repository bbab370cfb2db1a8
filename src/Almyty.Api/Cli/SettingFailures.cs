using Almyty.Infrastructure.Configuration;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Cli;

/// <summary>
/// The settings failures inside an exception: a validation failure (an unconvertible value of an options group is one,
/// see <see cref="SettingsBinding"/>), a value read outside the options system that the binder could not convert, or
/// several of those gathered in an AggregateException. Anything else is not a settings problem: empty.
/// </summary>
internal static class SettingFailures
{
    public static IReadOnlyList<string> Of(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        InvalidOperationException conversion when SettingsBinding.Describe(conversion) is { } failure => [failure],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => Of(e).Count > 0) =>
            [.. aggregate.InnerExceptions.SelectMany(Of)],
        _ => [],
    };
}
