using Almyty.Domain.Providers;
using Almyty.Domain.Usage;

namespace Almyty.Application.Gateways;

/// <summary>The shipped price table (USD per 1M tokens).</summary>
public interface IPriceCatalog
{
    /// <summary>The price of a model, matching dated snapshots (<c>gpt-4o-2024-08-06</c>) to their family; null when unknown.</summary>
    ModelPrice? Find(string model);

    IReadOnlyDictionary<string, ModelPrice> All { get; }

    /// <summary>Every model of the table with the provider kind that serves it, ordered by id.</summary>
    IReadOnlyList<CatalogModel> Models { get; }
}

public sealed record CatalogModel(string Id, ProviderKind Provider, ModelPrice Price);
