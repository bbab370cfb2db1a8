using Almyty.Api.Http;
using Almyty.Application.Usage.GetProviderUsage;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Almyty.Api.Endpoints.Usage;

/// <summary>A provider's usage, summed from its usage records.</summary>
public static class UsageEndpoints
{
    public static IEndpointRouteBuilder MapUsageEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup(Providers.ProviderEndpoints.Route, "Usage");

        group.MapGetProviderUsage();
        return app;
    }

    private static void MapGetProviderUsage(this RouteGroupBuilder group) =>
        group.MapGet("/{id}/usage", async (string id, [FromQuery] string? from, [FromQuery] string? to, [FromQuery] string? groupBy, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                // As in the list: an empty parameter (?from=) counts as not given.
                var query = new GetProviderUsageQuery(
                    providerId,
                    string.IsNullOrEmpty(from) ? null : from,
                    string.IsNullOrEmpty(to) ? null : to,
                    string.IsNullOrEmpty(groupBy) ? UsageGroupings.Day : groupBy);
                return (await mediator.Send(query, cancellationToken)).ToOk();
            })
            .WithName("GetProviderUsage")
            .WithSummary("A provider's usage: totals and a breakdown by day or model")
            .WithDescription(
                "Sums the provider's usage records (one per chat call sent upstream, successful or failed) within the window "
                + "[from, to): each an ISO 8601 date (00:00 UTC) or a date-time with an offset; without them, all time, and the "
                + "totals then equal the provider's totalRequests, totalTokens and totalCost. groupBy=day (UTC days, ascending; "
                + "the default) or model (by totalCost descending, then model; a failed call counts under the model requested).")
            .Produces<SuccessEnvelope<ProviderUsageResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound);
}
