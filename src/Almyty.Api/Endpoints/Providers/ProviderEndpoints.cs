using Almyty.Api.Http;
using Almyty.Application.Providers;
using Almyty.Application.Providers.CreateProvider;
using Almyty.Application.Providers.DeleteProvider;
using Almyty.Application.Providers.GetProvider;
using Almyty.Application.Providers.ListProviders;
using Almyty.Application.Providers.UpdateProvider;
using Mediator;
using Microsoft.AspNetCore.Mvc;

namespace Almyty.Api.Endpoints.Providers;

/// <summary>The provider resource. Each endpoint turns HTTP into one message and its result into the envelope.</summary>
public static class ProviderEndpoints
{
    public const string Route = "/llm-providers";

    public static IEndpointRouteBuilder MapProviderEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup(Route, "Providers");

        group.MapListProviders();
        group.MapCreateProvider();
        group.MapGetProvider();
        group.MapUpdateProvider();
        group.MapDeleteProvider();
        return app;
    }

    private static void MapListProviders(this RouteGroupBuilder group) =>
        group.MapGet("/", async (
                [FromQuery] string? page,
                [FromQuery] string? limit,
                [FromQuery] string? provider,
                [FromQuery] string? status,
                [FromQuery] string? search,
                [FromQuery] string? sortBy,
                [FromQuery] string? sortOrder,
                IMediator mediator,
                CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadInt(nameof(page), page, ListProvidersQuery.DefaultPage, out var pageNumber, out var problem)
                    || !QueryParameters.TryReadInt(nameof(limit), limit, ListProvidersQuery.DefaultLimit, out var pageSize, out problem))
                {
                    return problem!;
                }

                var query = new ListProvidersQuery(
                    pageNumber,
                    pageSize,
                    NullIfEmpty(provider),
                    NullIfEmpty(status),
                    NullIfEmpty(search),
                    NullIfEmpty(sortBy) ?? ProviderSortFields.CreatedAt,
                    NullIfEmpty(sortOrder) ?? SortOrders.Descending);
                return (await mediator.Send(query, cancellationToken)).ToOk();
            })
            .WithName("ListProviders")
            .WithSummary("List the organization's providers")
            .WithDescription("Paged, filtered by provider kind and status, searched by name (ignoring case) and sorted by createdAt, name, totalCost or lastUsedAt.")
            .Produces<SuccessEnvelope<ProviderListResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest);

    /// <summary>The contract's own template sends empty values (<c>?provider=&amp;status=</c>): empty means "not given".</summary>
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void MapCreateProvider(this RouteGroupBuilder group) =>
        group.MapPost("/", async (CreateProviderRequest request, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
            {
                var command = new CreateProviderCommand(
                    request.Name,
                    request.Provider,
                    request.ApiKey,
                    request.Model,
                    request.BaseUrl,
                    request.Configuration?.ToPatch());
                var result = await mediator.Send(command, cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error.ToResult();
                }

                EntityTags.Set(response, result.Value.Version);
                return TypedResults.Created($"{Route}/{result.Value.Id}", new SuccessEnvelope<ProviderResponse>(result.Value));
            })
            .WithName("CreateProvider")
            .WithSummary("Add a provider")
            .WithDescription("Stores the API key encrypted; it is never returned, only its hint.")
            .AcceptsJson<CreateProviderRequest>()
            .Produces<SuccessEnvelope<ProviderResponse>>(StatusCodes.Status201Created)
            .ProducesLocation()
            .ProducesETag(StatusCodes.Status201Created)
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status409Conflict);

    private static void MapGetProvider(this RouteGroupBuilder group) =>
        group.MapGet("/{id}", async (string id, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                var result = await mediator.Send(new GetProviderQuery(providerId), cancellationToken);
                if (result.IsSuccess)
                {
                    EntityTags.Set(response, result.Value.Version);
                }

                return result.ToOk();
            })
            .WithName("GetProvider")
            .WithSummary("Get one provider")
            .Produces<SuccessEnvelope<ProviderResponse>>()
            .ProducesETag()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound);

    private static void MapUpdateProvider(this RouteGroupBuilder group) =>
        group.MapPatch("/{id}", async (string id, UpdateProviderRequest request, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                var command = new UpdateProviderCommand(providerId)
                {
                    Name = request.Name,
                    Provider = request.Provider,
                    ApiKey = request.ApiKey,
                    Model = request.Model,
                    BaseUrl = request.BaseUrl,
                    Status = request.Status,
                    Configuration = request.HasConfiguration
                        ? request.Configuration?.ToPatch() ?? ProviderConfigurationRequest.RemoveAll()
                        : null,
                    ExpectedVersions = EntityTags.ReadIfMatch(context.Request),
                };
                var result = await mediator.Send(command, cancellationToken);
                if (result.IsSuccess)
                {
                    EntityTags.Set(context.Response, result.Value.Version);
                }

                return result.ToOk();
            })
            .WithName("UpdateProvider")
            .WithSummary("Change a provider")
            .WithDescription("Changes only the fields present; configuration merges key by key (null removes a key). Send If-Match with the ETag to avoid lost updates.")
            .AcceptsJson<UpdateProviderRequest>()
            .Produces<SuccessEnvelope<ProviderResponse>>()
            .ProducesETag()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status412PreconditionFailed);

    private static void MapDeleteProvider(this RouteGroupBuilder group) =>
        group.MapDelete("/{id}", async (string id, IMediator mediator, HttpRequest request, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                var result = await mediator.Send(new DeleteProviderCommand(providerId, EntityTags.ReadIfMatch(request)), cancellationToken);
                return result.ToOk();
            })
            .WithName("DeleteProvider")
            .WithSummary("Remove a provider with its sessions")
            .Produces<SuccessEnvelope<ProviderDeletedResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status412PreconditionFailed);
}
