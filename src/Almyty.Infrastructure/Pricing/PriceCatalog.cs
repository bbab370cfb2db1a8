using System.Collections.Frozen;
using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;

namespace Almyty.Infrastructure.Pricing;

/// <summary>The price table shipped as data (Pricing/model-prices.json, embedded).</summary>
internal sealed class PriceCatalog : IPriceCatalog
{
    private readonly FrozenDictionary<string, ModelPrice> _prices;
    private readonly string[] _namesLongestFirst;

    public PriceCatalog()
        : this(LoadEmbedded())
    {
    }

    internal PriceCatalog(IReadOnlyList<CatalogModel> models)
    {
        _prices = models.ToFrozenDictionary(m => m.Id, m => m.Price, StringComparer.OrdinalIgnoreCase);
        _namesLongestFirst = [.. _prices.Keys.OrderByDescending(k => k.Length)];
        Models = [.. models.OrderBy(m => m.Id, StringComparer.Ordinal)];
    }

    public IReadOnlyDictionary<string, ModelPrice> All => _prices;

    public IReadOnlyList<CatalogModel> Models { get; }

    public ModelPrice? Find(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (_prices.TryGetValue(model, out var exact))
        {
            return exact;
        }

        // A dated or suffixed snapshot of a known family: "gpt-4o-mini-2024-07-18" is gpt-4o-mini, not gpt-4o.
        foreach (var name in _namesLongestFirst)
        {
            if (model.Length > name.Length && model.StartsWith(name, StringComparison.OrdinalIgnoreCase) && model[name.Length] is '-' or '@' or ':')
            {
                return _prices[name];
            }
        }

        return null;
    }

    private static List<CatalogModel> LoadEmbedded()
    {
        using var stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream("Almyty.Infrastructure.Pricing.model-prices.json")
            ?? throw new InvalidOperationException("The embedded price table is missing.");
        using var document = JsonDocument.Parse(stream);
        var models = new List<CatalogModel>();
        foreach (var model in document.RootElement.GetProperty("models").EnumerateObject())
        {
            var provider = model.Value.GetProperty("provider").GetString();
            if (!ProviderKinds.TryParse(provider, out var kind))
            {
                throw new InvalidOperationException($"The price table gives '{model.Name}' an unknown provider '{provider}'.");
            }

            models.Add(new CatalogModel(model.Name, kind, new ModelPrice(model.Value.GetProperty("input").GetDecimal(), model.Value.GetProperty("output").GetDecimal())));
        }

        return models;
    }
}
