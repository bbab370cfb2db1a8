using Almyty.Api.Http;

namespace Almyty.Api.Endpoints;

internal static class EndpointConventions
{
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), ["application/json"]));

    /// <summary>A JSON body, with the two answers every body can get before it is read: 413 and 415.</summary>
    public static RouteHandlerBuilder AcceptsJson<TRequest>(this RouteHandlerBuilder builder, bool isOptional = false)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(isOptional, "application/json")
            .ProducesError(StatusCodes.Status413PayloadTooLarge)
            .ProducesError(StatusCodes.Status415UnsupportedMediaType);
}
