using Almyty.Api.Http;
using Almyty.Api.OpenApi;

namespace Almyty.Api.Endpoints;

internal static class EndpointConventions
{
    /// <summary>
    /// A group of the API's resource endpoints: bearer token required, the errors every one of them can answer, and the
    /// query parameters each takes (its <c>[FromQuery]</c> parameters; see <see cref="UnknownQueryParameterMiddleware"/>).
    /// </summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app, string prefix, string tag)
    {
        var group = app.MapGroup(prefix)
            .WithTags(tag)
            .RequireAuthorization()
            .ProducesError(StatusCodes.Status401Unauthorized)
            .ProducesError(StatusCodes.Status429TooManyRequests)
            .ProducesError(StatusCodes.Status403Forbidden)
            .ProducesError(StatusCodes.Status500InternalServerError)
            .ProducesError(StatusCodes.Status503ServiceUnavailable);
        ((IEndpointConventionBuilder)group).Add(endpoint => endpoint.Metadata.Add(QueryParameterNames.Of(endpoint)));
        return group;
    }

    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), ["application/json"]));

    /// <summary>A JSON body, with the two answers every body can get before it is read: 413 and 415.</summary>
    public static RouteHandlerBuilder AcceptsJson<TRequest>(this RouteHandlerBuilder builder, bool isOptional = false)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(isOptional, "application/json")
            .ProducesError(StatusCodes.Status413PayloadTooLarge)
            .ProducesError(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>The answer carries the resource's <c>ETag</c> (see <see cref="EntityTags"/>).</summary>
    public static RouteHandlerBuilder ProducesETag(this RouteHandlerBuilder builder, int statusCode = StatusCodes.Status200OK) =>
        builder.WithMetadata(new ResponseHeaderMetadata(statusCode, "ETag", "The resource's version, a strong entity tag; send it back in If-Match."));

    /// <summary>A 201 with the new resource's address in <c>Location</c>.</summary>
    public static RouteHandlerBuilder ProducesLocation(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ResponseHeaderMetadata(StatusCodes.Status201Created, "Location", "The new resource's path.", "uri-reference"));
}
