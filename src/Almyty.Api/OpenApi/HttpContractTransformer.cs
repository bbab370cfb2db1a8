using System.Globalization;
using System.Text.Json.Nodes;
using Almyty.Application.Providers.ListProviders;
using Almyty.Application.Sessions.GetSession;
using Almyty.Application.Sessions.ListSessions;
using Almyty.Application.Usage.GetProviderUsage;
using Almyty.Domain.Providers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Almyty.Api.OpenApi;

/// <summary>
/// What the handlers read and send outside the bodies: ids are UUIDs, the query parameters (bound as strings so that a
/// bad one is a 400 naming it) with their types, enums and bounds, <c>If-Match</c> on PATCH and DELETE, and the
/// <c>ETag</c> and <c>Location</c> headers the endpoints declare with <see cref="ResponseHeaderMetadata"/>.
/// </summary>
internal sealed class HttpContractTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, Dictionary<string, Func<OpenApiSchema>>> QueryParameters = new()
    {
        ["ListProviders"] = new()
        {
            ["page"] = () => Page(ListProvidersQuery.DefaultPage),
            ["limit"] = () => Limit(ListProvidersQuery.MaxLimit, ListProvidersQuery.DefaultLimit),
            ["provider"] = () => OneOf(ProviderKinds.All),
            ["status"] = () => OneOf(ProviderStatuses.All),
            ["search"] = () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = ListProvidersQuery.MaxSearchLength },
            ["sortBy"] = () => OneOf(ProviderSortFields.All, ProviderSortFields.CreatedAt),
            ["sortOrder"] = () => OneOf(SortOrders.All, SortOrders.Descending),
        },
        ["ListSessions"] = new()
        {
            ["page"] = () => Page(ListSessionsQuery.DefaultPage),
            ["limit"] = () => Limit(ListSessionsQuery.MaxLimit, ListSessionsQuery.DefaultLimit),
        },
        ["GetSession"] = new()
        {
            ["page"] = () => Page(GetSessionQuery.DefaultPage),
            ["limit"] = () => Limit(GetSessionQuery.MaxLimit, GetSessionQuery.DefaultLimit),
        },
        ["GetProviderUsage"] = new()
        {
            ["groupBy"] = () => OneOf(UsageGroupings.All, UsageGroupings.Day),
        },
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        QueryParameters.TryGetValue(operation.OperationId ?? string.Empty, out var queryRules);
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
        {
            if (parameter.In == ParameterLocation.Path)
            {
                // Every route parameter is an id; anything but the 8-4-4-4-12 form is a 400.
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" };
            }
            else if (parameter.In == ParameterLocation.Query && queryRules?.TryGetValue(parameter.Name!, out var rule) == true)
            {
                parameter.Schema = rule();
            }
        }

        var method = context.Description.HttpMethod;
        if (HttpMethods.IsPatch(method ?? string.Empty) || HttpMethods.IsDelete(method ?? string.Empty))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = false,
                Description = "The ETag the change is based on; when the resource has changed since, the answer is 412 PRECONDITION_FAILED.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        foreach (var header in context.Description.ActionDescriptor.EndpointMetadata.OfType<ResponseHeaderMetadata>())
        {
            if (operation.Responses?.TryGetValue(header.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) == true
                && response is OpenApiResponse declared)
            {
                declared.Headers ??= new Dictionary<string, IOpenApiHeader>();
                declared.Headers[header.Name] = new OpenApiHeader
                {
                    Description = header.Description,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = header.Format },
                };
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Page(int fallback) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = "1",
        Default = JsonValue.Create(fallback),
    };

    private static OpenApiSchema Limit(int max, int fallback) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = "1",
        Maximum = max.ToString(CultureInfo.InvariantCulture),
        Default = JsonValue.Create(fallback),
    };

    private static OpenApiSchema OneOf(IEnumerable<string> values, string? fallback = null) => new()
    {
        Type = JsonSchemaType.String,
        Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
        Default = fallback is null ? null : JsonValue.Create(fallback),
    };
}

/// <summary>A response header an endpoint sends, for the OpenAPI document.</summary>
internal sealed record ResponseHeaderMetadata(int StatusCode, string Name, string Description, string? Format = null);
