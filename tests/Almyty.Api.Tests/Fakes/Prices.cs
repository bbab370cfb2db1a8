using System.Text.Json;

namespace Almyty.Api.Tests.Fakes;

/// <summary>The price table the service ships (USD per 1M tokens), read from its embedded data, and the contract's arithmetic.</summary>
public static class Prices
{
    private static readonly Lazy<Dictionary<string, (decimal Input, decimal Output)>> Table = new(Load);

    public static IReadOnlyDictionary<string, (decimal Input, decimal Output)> All => Table.Value;

    /// <summary>input × input price + output × output price, per 1M tokens, of a model in the shipped table.</summary>
    public static decimal Cost(string model, long inputTokens, long outputTokens)
    {
        All.TryGetValue(model, out var price).ShouldBeTrue($"'{model}' is not in the shipped price table");
        return Cost(price.Input, price.Output, inputTokens, outputTokens);
    }

    public static decimal Cost(decimal inputPer1M, decimal outputPer1M, long inputTokens, long outputTokens) =>
        (inputTokens * inputPer1M / 1_000_000m) + (outputTokens * outputPer1M / 1_000_000m);

    private static Dictionary<string, (decimal, decimal)> Load()
    {
        var assembly = typeof(Almyty.Infrastructure.DependencyInjection).Assembly;
        var name = assembly.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("model-prices.json", StringComparison.Ordinal))
            ?? throw new ShouldAssertException("The price table is not embedded in Almyty.Infrastructure.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var document = JsonDocument.Parse(stream);
        var table = new Dictionary<string, (decimal, decimal)>(StringComparer.Ordinal);
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            table[model.Name] = (model.Value.GetProperty("input").GetDecimal(), model.Value.GetProperty("output").GetDecimal());
        }

        return table;
    }
}
