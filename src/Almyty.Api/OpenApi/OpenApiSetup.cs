using Almyty.Domain.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Almyty.Api.OpenApi;

internal static class OpenApiSetup
{
    public static IServiceCollection AddAlmytyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // Optional<T> is a PATCH detail of ours; on the wire it is just T, so it gets no component of its own.
            options.CreateSchemaReferenceId = type => IsOptional(type.Type) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Almyty LLM Providers API",
                    Version = "v1",
                    Description = "Manage connections to LLM providers: store keys encrypted, test them and chat through them. "
                        + "Every response is an envelope: {\"success\": true, \"data\": ...} or {\"success\": false, \"message\", \"error\", \"statusCode\"}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An HS256 JWT with iss 'almyty', aud 'almyty-api' and the claims sub, org_id and role (owner, admin, member, viewer).",
                };
                return Task.CompletedTask;
            });

            options.AddOperationTransformer((operation, context, _) =>
            {
                var requiresAuth = context.Description.ActionDescriptor.EndpointMetadata
                    .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
                if (requiresAuth)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
                }

                return Task.CompletedTask;
            });

            // An Optional<T> member is T or null (present and null; whether null is then refused is the validator's
            // say, which RequestBodyRulesTransformer writes down).
            options.AddSchemaTransformer(async (schema, context, cancellationToken) =>
            {
                var type = context.JsonTypeInfo.Type;
                if (!IsOptional(type))
                {
                    return;
                }

                var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, cancellationToken);
                schema.Type = inner.Type | JsonSchemaType.Null;
                schema.Format = inner.Format;
                schema.Items = inner.Items;
                schema.Properties = inner.Properties;
                schema.Required = inner.Required;
                schema.AdditionalPropertiesAllowed = inner.AdditionalPropertiesAllowed;
                schema.OneOf = inner.OneOf;
                schema.AnyOf = inner.AnyOf;
                schema.AllOf = inner.AllOf;
            });

            options.AddSchemaTransformer(new WireScalarsTransformer());
            options.AddDocumentTransformer(new RequestBodyRulesTransformer());
            options.AddOperationTransformer(new HttpContractTransformer());
            options.AddOperationTransformer(new ResponseHeadersTransformer());
        });

    private static bool IsOptional(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>);
}
