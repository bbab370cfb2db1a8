using Almyty.Application.Gateways;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;

namespace Almyty.Application.Usage;

public static class UsagePricing
{
    /// <summary>
    /// Prices a call by the model the provider reports, falling back to the one requested; a provider's own
    /// <c>inputCostPer1M</c>/<c>outputCostPer1M</c> win over the table. A side with no price, or no token count, costs 0 and
    /// the call is unpriced: <c>priced</c> promises that the cost is the whole of it.
    /// </summary>
    public static (decimal Cost, bool Priced) Price(
        IPriceCatalog catalog,
        ProviderConfiguration configuration,
        string? reportedModel,
        string requestedModel,
        int? inputTokens,
        int? outputTokens)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(configuration);
        var listed = (reportedModel is null ? null : catalog.Find(reportedModel)) ?? catalog.Find(requestedModel);
        var (inputPrice, outputPrice) = UnitPrices(configuration, listed);
        var cost = new ModelPrice(inputPrice ?? 0m, outputPrice ?? 0m).CostOf(inputTokens ?? 0, outputTokens ?? 0);
        var counted = inputTokens is not null && outputTokens is not null;
        return (cost, counted && inputPrice is not null && outputPrice is not null);
    }

    /// <summary>
    /// The prices (USD per 1M tokens) a call to <paramref name="model"/> would be charged at: the provider's overrides,
    /// else the table's; a side nobody prices is null.
    /// </summary>
    public static (decimal? InputPer1M, decimal? OutputPer1M) UnitPrices(IPriceCatalog catalog, ProviderConfiguration configuration, string model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(configuration);
        return UnitPrices(configuration, catalog.Find(model));
    }

    private static (decimal? InputPer1M, decimal? OutputPer1M) UnitPrices(ProviderConfiguration configuration, ModelPrice? listed) =>
        (configuration.InputCostPer1M ?? listed?.InputPer1M, configuration.OutputCostPer1M ?? listed?.OutputPer1M);
}
