using Almyty.Application.Chat;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Gateways;
using Almyty.Application.Usage;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.Extensions.Options;

namespace Almyty.Application.Models.ListProviderModels;

/// <summary>
/// Asks the provider for its models (like chat: not for an inactive provider, within the provider's time budget, every
/// failure mapped as chat maps it) and prices each as chat would. The listing counts no usage and changes no status.
/// </summary>
public sealed class ListProviderModelsQueryHandler(
    IProviderConnections providers,
    ISecretProtector secrets,
    ILlmGateway gateway,
    IPriceCatalog prices,
    IOptions<ChatOptions> options) : IQueryHandler<ListProviderModelsQuery, Result<ProviderModelsResponse>>
{
    public async ValueTask<Result<ProviderModelsResponse>> Handle(ListProviderModelsQuery query, CancellationToken cancellationToken)
    {
        var provider = await providers.FindAsync(query.ProviderId, cancellationToken);
        if (provider is null)
        {
            return ProviderErrors.NotFound(query.ProviderId);
        }

        if (provider.Status == ProviderStatus.Inactive)
        {
            return ProviderErrors.Disabled(provider.Id);
        }

        var request = new ModelListRequest(
            provider.Kind,
            provider.BaseUrl,
            secrets.Unprotect(provider.ApiKey, provider.Id),
            TimeSpan.FromSeconds(provider.Configuration.TimeoutSeconds ?? options.Value.DefaultTimeoutSeconds));
        var outcome = await gateway.ListModelsAsync(request, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return failure.ToError();
        }

        var models = outcome.Models!
            .OrderBy(m => m.Id, StringComparer.Ordinal)
            .Select(model =>
            {
                var (input, output) = UsagePricing.UnitPrices(prices, provider.Configuration, model.Id);
                return new ProviderModelResponse(model.Id, model.DisplayName, model.CreatedAt, model.OwnedBy, input is not null && output is not null, input, output);
            })
            .ToList();
        return new ProviderModelsResponse(provider.Id, models);
    }
}
