using Almyty.Api.Http;

namespace Almyty.Api.Endpoints;

internal static class EndpointConventions
{
    public static TBuilder ProducesError<TBuilder>(this TBuilder builder, int statusCode)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ProducesResponseTypeMetadata(statusCode, typeof(ErrorEnvelope), ["application/json"]));
}
