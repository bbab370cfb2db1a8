using Microsoft.Extensions.Options;

namespace Almyty.Api.Cli;

/// <summary>The settings failures inside an exception: one group's, or several groups' gathered in an AggregateException.</summary>
internal static class SettingFailures
{
    public static IReadOnlyList<string> Of(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures)],
        _ => [],
    };
}
