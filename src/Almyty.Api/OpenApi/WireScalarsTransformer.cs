using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Almyty.Api.OpenApi;

/// <summary>
/// Money and timestamps go through our own JSON converters (Http/JsonConverters.cs), which hide their types from the
/// schema generator: it wrote <c>{"format": "double"}</c> and <c>{"format": "date-time"}</c> with no type. Money is an
/// exact decimal number, a timestamp a UTC ISO 8601 string; either may be null where the member is nullable.
/// </summary>
internal sealed class WireScalarsTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var declared = context.JsonPropertyInfo?.PropertyType ?? context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(declared);
        var type = underlying ?? declared;
        var nullable = underlying is not null ? JsonSchemaType.Null : 0;
        if (type == typeof(decimal))
        {
            schema.Type = JsonSchemaType.Number | nullable;
            schema.Format = "decimal";
        }
        else if (type == typeof(DateTimeOffset))
        {
            schema.Type = JsonSchemaType.String | nullable;
            schema.Format = "date-time";
        }

        return Task.CompletedTask;
    }
}
