using Almyty.Api.Endpoints.Providers;
using Almyty.Api.Http;
using Almyty.Application.Sessions;
using Almyty.Application.Sessions.CreateSession;
using Almyty.Application.Sessions.DeleteSession;
using Almyty.Application.Sessions.GetSession;
using Almyty.Application.Sessions.ListSessions;
using Almyty.Application.Sessions.UpdateSession;
using Mediator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace Almyty.Api.Endpoints.Sessions;

/// <summary>A provider's chat sessions. Each endpoint turns HTTP into one message and its result into the envelope.</summary>
public static class SessionEndpoints
{
    public const string Route = ProviderEndpoints.Route + "/{id}/sessions";

    public static IEndpointRouteBuilder MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup(Route, "Sessions");

        group.MapListSessions();
        group.MapCreateSession();
        group.MapGetSession();
        group.MapUpdateSession();
        group.MapDeleteSession();
        return app;
    }

    private static string Location(Guid providerId, Guid sessionId) => $"{ProviderEndpoints.Route}/{providerId}/sessions/{sessionId}";

    private static void MapListSessions(this RouteGroupBuilder group) =>
        group.MapGet("/", async (string id, [FromQuery] string? page, [FromQuery] string? limit, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem)
                    || !QueryParameters.TryReadInt(nameof(page), page, ListSessionsQuery.DefaultPage, out var pageNumber, out problem)
                    || !QueryParameters.TryReadInt(nameof(limit), limit, ListSessionsQuery.DefaultLimit, out var pageSize, out problem))
                {
                    return problem!;
                }

                return (await mediator.Send(new ListSessionsQuery(providerId, pageNumber, pageSize), cancellationToken)).ToOk();
            })
            .WithName("ListSessions")
            .WithSummary("List a provider's sessions")
            .WithDescription("Newest activity first (lastActivityAt, then id, descending). page ≥ 1 (default 1), limit 1–100 (default 20).")
            .Produces<SuccessEnvelope<SessionListResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound);

    private static void MapCreateSession(this RouteGroupBuilder group) =>
        group.MapPost("/", async (string id, CreateSessionRequest? request, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                // No body at all binds to null, and so does the JSON literal null; only the first is allowed. A body was
                // read (and so was the literal null) exactly when the request can have one: an empty one is not JSON.
                if (request is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
                {
                    return ErrorResults.Validation("body", ApiExceptionHandler.BodyNotAnObject);
                }

                var result = await mediator.Send(new CreateSessionCommand(providerId, request?.Title, request?.SystemPrompt), cancellationToken);
                if (!result.IsSuccess)
                {
                    return result.Error.ToResult();
                }

                EntityTags.Set(context.Response, result.Value.Version);
                return TypedResults.Created(Location(providerId, result.Value.Id), new SuccessEnvelope<SessionResponse>(result.Value));
            })
            .WithName("CreateSession")
            .WithSummary("Start a session")
            .WithDescription("An empty session with an optional title and system prompt. Send its id as chat's sessionId to talk in it. The body may be omitted.")
            .AcceptsJson<CreateSessionRequest>(isOptional: true)
            .Produces<SuccessEnvelope<SessionResponse>>(StatusCodes.Status201Created)
            .ProducesLocation()
            .ProducesETag(StatusCodes.Status201Created)
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound);

    private static void MapGetSession(this RouteGroupBuilder group) =>
        group.MapGet("/{sessionId}", async (string id, string sessionId, [FromQuery] string? page, [FromQuery] string? limit, IMediator mediator, HttpResponse response, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem)
                    || !QueryParameters.TryReadId(nameof(sessionId), sessionId, out var session, out problem)
                    || !QueryParameters.TryReadInt(nameof(page), page, GetSessionQuery.DefaultPage, out var pageNumber, out problem)
                    || !QueryParameters.TryReadInt(nameof(limit), limit, GetSessionQuery.DefaultLimit, out var pageSize, out problem))
                {
                    return problem!;
                }

                var result = await mediator.Send(new GetSessionQuery(providerId, session, pageNumber, pageSize), cancellationToken);
                if (result.IsSuccess)
                {
                    EntityTags.Set(response, result.Value.Version);
                }

                return result.ToOk();
            })
            .WithName("GetSession")
            .WithSummary("Get a session with its messages")
            .WithDescription("The session and one page of its messages, oldest first. page ≥ 1 (default 1), limit 1–500 (default 100).")
            .Produces<SuccessEnvelope<SessionDetailResponse>>()
            .ProducesETag()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound);

    private static void MapUpdateSession(this RouteGroupBuilder group) =>
        group.MapPatch("/{sessionId}", async (string id, string sessionId, UpdateSessionRequest request, IMediator mediator, HttpContext context, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem)
                    || !QueryParameters.TryReadId(nameof(sessionId), sessionId, out var session, out problem))
                {
                    return problem!;
                }

                var command = new UpdateSessionCommand(providerId, session)
                {
                    Title = request.Title,
                    SystemPrompt = request.SystemPrompt,
                    ExpectedVersions = EntityTags.ReadIfMatch(context.Request),
                };
                var result = await mediator.Send(command, cancellationToken);
                if (result.IsSuccess)
                {
                    EntityTags.Set(context.Response, result.Value.Version);
                }

                return result.ToOk();
            })
            .WithName("UpdateSession")
            .WithSummary("Rename a session or change its system prompt")
            .WithDescription("Changes only the members present; null clears one. Send If-Match with the ETag to avoid lost updates.")
            .AcceptsJson<UpdateSessionRequest>()
            .Produces<SuccessEnvelope<SessionResponse>>()
            .ProducesETag()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status412PreconditionFailed);

    private static void MapDeleteSession(this RouteGroupBuilder group) =>
        group.MapDelete("/{sessionId}", async (string id, string sessionId, IMediator mediator, HttpRequest request, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem)
                    || !QueryParameters.TryReadId(nameof(sessionId), sessionId, out var session, out problem))
                {
                    return problem!;
                }

                return (await mediator.Send(new DeleteSessionCommand(providerId, session, EntityTags.ReadIfMatch(request)), cancellationToken)).ToOk();
            })
            .WithName("DeleteSession")
            .WithSummary("Remove a session with its messages")
            .WithDescription("Usage records of the session's calls are kept.")
            .Produces<SuccessEnvelope<SessionDeletedResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status412PreconditionFailed);
}
