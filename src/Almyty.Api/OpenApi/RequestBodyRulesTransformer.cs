using System.Globalization;
using System.Text.Json.Nodes;
using Almyty.Api.Endpoints.Chat;
using Almyty.Api.Endpoints.Providers;
using Almyty.Api.Endpoints.Sessions;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Almyty.Api.OpenApi;

/// <summary>
/// The request bodies as the validators check them: which members are required, which refuse null, and their enums,
/// lengths and ranges (from the same domain constants). The schema generator sees only C# types, and every member of a
/// request contract is nullable so that a missing one is a 400 naming it, not a bind failure.
/// </summary>
internal sealed class RequestBodyRulesTransformer : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, (string[] Required, Dictionary<string, Action<OpenApiSchema>> Members)> Bodies = new()
    {
        [nameof(CreateProviderRequest)] = (
            ["name", "provider", "apiKey"],
            new()
            {
                ["name"] = Rules(NotNull, Length(1, ProviderRules.NameMaxLength, "after trimming")),
                ["provider"] = Rules(NotNull, OneOf(ProviderKinds.All)),
                ["apiKey"] = Rules(NotNull, Length(1, ProviderRules.ApiKeyMaxLength, "printable ASCII, no whitespace or control characters")),
                ["model"] = Length(1, ProviderRules.ModelMaxLength),
                ["baseUrl"] = Rules(Length(null, ProviderRules.BaseUrlMaxLength, "an absolute http or https URL"), Format("uri")),
            }),
        [nameof(UpdateProviderRequest)] = (
            [],
            new()
            {
                ["name"] = Rules(NotNull, Length(1, ProviderRules.NameMaxLength, "after trimming")),
                ["provider"] = Rules(NotNull, OneOf(ProviderKinds.All)),
                ["apiKey"] = Rules(NotNull, Length(1, ProviderRules.ApiKeyMaxLength, "printable ASCII, no whitespace or control characters")),
                ["model"] = Rules(Nullable("null clears it"), Length(1, ProviderRules.ModelMaxLength)),
                ["baseUrl"] = Rules(Nullable("null clears it"), Length(null, ProviderRules.BaseUrlMaxLength, "an absolute http or https URL"), Format("uri")),
                ["status"] = Rules(NotNull, OneOf(ProviderStatuses.ClientSettable)),
            }),
        [nameof(ProviderConfigurationRequest)] = (
            [],
            new()
            {
                ["temperature"] = Rules(Nullable(), Range(0, (decimal)ProviderRules.MaxTemperature, $"at most {ProviderRules.MaxAnthropicTemperature:0.#} for anthropic")),
                ["maxTokens"] = Rules(Nullable(), Range(1, ProviderRules.MaxMaxTokens)),
                ["topP"] = Rules(Nullable(), Range(0, 1)),
                ["systemPrompt"] = Rules(Nullable(), Length(null, ProviderRules.SystemPromptMaxLength)),
                ["stop"] = Rules(Nullable(), Items(ProviderRules.MaxStopSequences, 1, ProviderRules.StopSequenceMaxLength)),
                ["timeoutSeconds"] = Rules(Nullable(), Range(1, ProviderRules.MaxTimeoutSeconds)),
                ["inputCostPer1M"] = Rules(Number, Nullable(), Range(0, ProviderRules.MaxCostPer1M)),
                ["outputCostPer1M"] = Rules(Number, Nullable(), Range(0, ProviderRules.MaxCostPer1M)),
            }),
        [nameof(ChatRequest)] = (
            ["message"],
            new()
            {
                ["message"] = Rules(NotNull, Length(1, ChatRules.MessageMaxLength)),
                ["model"] = Length(1, ProviderRules.ModelMaxLength),
                ["systemPrompt"] = Length(null, ProviderRules.SystemPromptMaxLength),
                ["temperature"] = Range(0, (decimal)ProviderRules.MaxTemperature),
                ["maxTokens"] = Range(1, ProviderRules.MaxMaxTokens),
                ["topP"] = Range(0, 1),
                ["stop"] = Items(ProviderRules.MaxStopSequences, 1, ProviderRules.StopSequenceMaxLength),
            }),
        [nameof(CreateSessionRequest)] = (
            [],
            new()
            {
                ["title"] = Length(1, ChatRules.TitleMaxLength, "after trimming"),
                ["systemPrompt"] = Length(1, ChatRules.SystemPromptMaxLength, "not blank"),
            }),
        [nameof(UpdateSessionRequest)] = (
            [],
            new()
            {
                ["title"] = Rules(Nullable("null clears it"), Length(1, ChatRules.TitleMaxLength, "after trimming")),
                ["systemPrompt"] = Rules(Nullable("null clears it"), Length(1, ChatRules.SystemPromptMaxLength, "not blank")),
            }),
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null)
        {
            return Task.CompletedTask;
        }

        foreach (var (name, (required, members)) in Bodies)
        {
            if (!schemas.TryGetValue(name, out var body) || body is not OpenApiSchema { Properties: { } properties } schema)
            {
                continue;
            }

            if (required.Length > 0)
            {
                schema.Required = new HashSet<string>(required, StringComparer.Ordinal);
            }

            foreach (var (member, rules) in members)
            {
                // A rule for a member the schema lacks, or one behind a shared $ref, is a mistake in this table.
                if (!properties.TryGetValue(member, out var property) || property is not OpenApiSchema inline)
                {
                    throw new InvalidOperationException($"{name}.{member} is not an inline member of the generated schema.");
                }

                rules(inline);
            }
        }

        return Task.CompletedTask;
    }

    private static Action<OpenApiSchema> Rules(params Action<OpenApiSchema>[] rules) => schema =>
    {
        foreach (var rule in rules)
        {
            rule(schema);
        }
    };

    private static void NotNull(OpenApiSchema schema) => schema.Type &= ~JsonSchemaType.Null;

    private static void Number(OpenApiSchema schema) => schema.Type = JsonSchemaType.Number | (schema.Type.GetValueOrDefault() & JsonSchemaType.Null);

    private static Action<OpenApiSchema> Nullable(string? meaning = null) => schema =>
    {
        schema.Type |= JsonSchemaType.Null;
        Describe(schema, meaning);
    };

    private static Action<OpenApiSchema> Length(int? min, int max, string? note = null) => schema =>
    {
        schema.MinLength = min;
        schema.MaxLength = max;
        Describe(schema, note);
    };

    private static Action<OpenApiSchema> Format(string format) => schema => schema.Format = format;

    private static Action<OpenApiSchema> OneOf(IEnumerable<string> values) => schema =>
        schema.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();

    private static Action<OpenApiSchema> Range(decimal min, decimal max, string? note = null) => schema =>
    {
        schema.Minimum = min.ToString(CultureInfo.InvariantCulture);
        schema.Maximum = max.ToString(CultureInfo.InvariantCulture);
        Describe(schema, note);
    };

    private static Action<OpenApiSchema> Items(int maxItems, int itemMinLength, int itemMaxLength) => schema =>
    {
        schema.MaxItems = maxItems;
        if (schema.Items is OpenApiSchema items)
        {
            items.MinLength = itemMinLength;
            items.MaxLength = itemMaxLength;
        }
    };

    private static void Describe(OpenApiSchema schema, string? note)
    {
        if (note is not null)
        {
            schema.Description = schema.Description is null ? note : $"{schema.Description}; {note}";
        }
    }
}
