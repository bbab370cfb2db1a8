using Almyty.Api.Http;
using Almyty.Application.Models.GetProviderCatalog;
using Almyty.Application.Models.ListProviderModels;
using Mediator;

namespace Almyty.Api.Endpoints.Models;

/// <summary>Which models exist: the catalog the service knows, and what a provider itself serves.</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup(Providers.ProviderEndpoints.Route, "Models");

        group.MapGetProviderCatalog();
        group.MapListProviderModels();
        return app;
    }

    /// <remarks>A literal segment outranks the <c>{id}</c> parameter in routing, so <c>/catalog</c> never reaches GetProvider.</remarks>
    private static void MapGetProviderCatalog(this RouteGroupBuilder group) =>
        group.MapGet("/catalog", async (IMediator mediator, CancellationToken cancellationToken) =>
                (await mediator.Send(new GetProviderCatalogQuery(), cancellationToken)).ToOk())
            .WithName("GetProviderCatalog")
            .WithSummary("The provider kinds with their defaults and the priced models")
            .WithDescription("Static: each kind's default base URL and model, whether it needs a baseUrl, and the models of the shipped price table with their list prices (USD per 1M tokens).")
            .Produces<SuccessEnvelope<ProviderCatalogResponse>>();

    private static void MapListProviderModels(this RouteGroupBuilder group) =>
        group.MapGet("/{id}/models", async (string id, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                return (await mediator.Send(new ListProviderModelsQuery(providerId), cancellationToken)).ToOk();
            })
            .WithName("ListProviderModels")
            .WithSummary("The models a provider serves, with their prices")
            .WithDescription(
                "Asks the provider with the stored key (OpenAI-compatible GET {baseUrl}/models, Anthropic GET {baseUrl}/v1/models, every page), "
                + "sorted by id, each priced as chat would price it (the provider's inputCostPer1M/outputCostPer1M, else the price table; "
                + "null with priced false when unknown). Upstream failures map as in chat: 502 PROVIDER_AUTH_FAILED / PROVIDER_REJECTED / "
                + "PROVIDER_INVALID_RESPONSE, 429 PROVIDER_RATE_LIMITED, 503 PROVIDER_UNAVAILABLE, 504 PROVIDER_TIMEOUT, 400 EGRESS_BLOCKED.")
            .Produces<SuccessEnvelope<ProviderModelsResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status429TooManyRequests)
            .ProducesError(StatusCodes.Status502BadGateway)
            .ProducesError(StatusCodes.Status503ServiceUnavailable)
            .ProducesError(StatusCodes.Status504GatewayTimeout);
}
