using Almyty.Api.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Almyty.Api.OpenApi;

/// <summary>
/// The headers every answer carries (docs/api.md): <c>X-Almyty-Overhead-Ms</c> on all of them, the organization's
/// <c>X-RateLimit-*</c> on those of an operation that takes a token while the limit is on (not its 401, which is not
/// counted, nor its 413, which a declared length too large gets before the token is read), <c>Retry-After</c> on a 429,
/// and on a 503 when the provider's wait is known.
/// </summary>
internal sealed class ResponseHeadersTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var counted = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any();
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse declared)
            {
                continue;
            }

            declared.Headers ??= new Dictionary<string, IOpenApiHeader>();
            declared.Headers[OverheadHeader.HeaderName] = Header(
                "Milliseconds the service itself spent on the request (up to 3 decimals), the time waiting for the provider excluded.",
                JsonSchemaType.Number);
            if (counted && status is not ("401" or "413"))
            {
                declared.Headers["X-RateLimit-Limit"] = Header("Requests the organization may make per window (sent while RateLimiting__PermitsPerWindow is above 0).", JsonSchemaType.Integer);
                declared.Headers["X-RateLimit-Remaining"] = Header("Requests left in the current window, this one counted.", JsonSchemaType.Integer);
                declared.Headers["X-RateLimit-Reset"] = Header("Unix time, in seconds, when the current window ends.", JsonSchemaType.Integer, "int64");
            }

            if (status == "429")
            {
                declared.Headers["Retry-After"] = Header(
                    "Whole seconds to wait: until the organization's window ends (RATE_LIMITED), or the provider's wait rounded up, 5 when it gave none (PROVIDER_RATE_LIMITED).",
                    JsonSchemaType.Integer);
            }
            else if (status == "503")
            {
                declared.Headers["Retry-After"] = Header(
                    "PROVIDER_UNAVAILABLE only, and only when known: the wait the provider sent with its 5xx, rounded up to whole seconds, or the time until its open circuit lets calls through again.",
                    JsonSchemaType.Integer);
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiHeader Header(string description, JsonSchemaType type, string? format = null) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = type, Format = format, Minimum = "0" },
    };
}
