using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Almyty.Api.Tests.Fakes;

/// <summary>
/// Checks a recorded request body against <c>CreateChatCompletionRequest</c> of OpenAI's own OpenAPI description
/// (../shared/specs/openai-openapi.yaml). The member names and the required list are read from the spec file itself
/// (the schema and the two it is composed of: CreateModelResponseProperties and ModelResponseProperties); the types and
/// ranges of the members this service sends are checked by hand as the spec states them.
/// </summary>
public static partial class OpenAiChatRequestSchema
{
    public const string SpecVariable = "ALMYTY_OPENAI_SPEC";

    private static readonly Lazy<(HashSet<string> Properties, List<string> Required)> Spec = new(LoadSpec);

    /// <summary>Top-level members CreateChatCompletionRequest declares, with those of the schemas it composes.</summary>
    public static IReadOnlySet<string> Properties => Spec.Value.Properties;

    public static IReadOnlyList<string> Required => Spec.Value.Required;

    /// <summary>Every way the body departs from the schema; empty when it conforms.</summary>
    public static IReadOnlyList<string> Violations(JsonNode? body)
    {
        var problems = new List<string>();
        if (body is not JsonObject request)
        {
            problems.Add("the body is not a JSON object");
            return problems;
        }

        foreach (var required in Required)
        {
            if (!request.ContainsKey(required))
            {
                problems.Add($"required member '{required}' is missing");
            }
        }

        foreach (var (name, value) in request)
        {
            if (!Properties.Contains(name))
            {
                problems.Add($"'{name}' is not a member of CreateChatCompletionRequest");
                continue;
            }

            switch (name)
            {
                case "model":
                    if (!IsString(value) || value!.GetValue<string>().Length == 0)
                    {
                        problems.Add("'model' must be a non-empty string (ModelIdsShared)");
                    }

                    break;
                case "messages":
                    CheckMessages(value, problems);
                    break;
                case "max_completion_tokens" or "max_tokens":
                    if (!IsInteger(value))
                    {
                        problems.Add($"'{name}' must be an integer");
                    }

                    break;
                case "temperature":
                    CheckNumber(name, value, 0, 2, problems);
                    break;
                case "top_p":
                    CheckNumber(name, value, 0, 1, problems);
                    break;
                case "stop":
                    // StopConfiguration: a string, or an array of 1 to 4 strings.
                    if (!IsString(value) && !(value is JsonArray stops && stops.Count is >= 1 and <= 4 && stops.All(IsString)))
                    {
                        problems.Add("'stop' must be a string or an array of 1 to 4 strings");
                    }

                    break;
                case "stream":
                    if (value?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        problems.Add("'stream' must be a boolean");
                    }

                    break;
                default:
                    problems.Add($"'{name}' is in the spec but this service never sends it; check it by hand before allowing it here");
                    break;
            }
        }

        return problems;
    }

    /// <summary>Fails the test with every violation listed.</summary>
    public static void ShouldConform(RecordedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Violations(request.Body).ShouldBeEmpty($"CreateChatCompletionRequest violations in {request.RawBody}");
    }

    /// <summary>ChatCompletionRequestMessage: system/developer/user need role and content; assistant needs role; content here is always text.</summary>
    private static void CheckMessages(JsonNode? value, List<string> problems)
    {
        if (value is not JsonArray messages || messages.Count < 1)
        {
            problems.Add("'messages' must be an array of at least one message");
            return;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
            {
                problems.Add($"messages[{i}] is not an object");
                continue;
            }

            var role = message["role"] is JsonValue r && r.TryGetValue<string>(out var text) ? text : null;
            if (role is not ("system" or "developer" or "user" or "assistant"))
            {
                problems.Add($"messages[{i}].role '{role}' is not a text-message role");
            }

            if (!IsString(message["content"]))
            {
                problems.Add($"messages[{i}].content must be a string");
            }

            foreach (var (key, _) in message)
            {
                if (key is not ("role" or "content" or "name"))
                {
                    problems.Add($"messages[{i}].{key} is not a member of a text message");
                }
            }
        }
    }

    private static void CheckNumber(string name, JsonNode? value, double min, double max, List<string> problems)
    {
        if (value?.GetValueKind() != JsonValueKind.Number || value.GetValue<double>() is var number && (number < min || number > max))
        {
            problems.Add($"'{name}' must be a number from {min} to {max}");
        }
    }

    private static bool IsString(JsonNode? value) => value?.GetValueKind() == JsonValueKind.String;

    private static bool IsInteger(JsonNode? value) =>
        value?.GetValueKind() == JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _);

    private static (HashSet<string>, List<string>) LoadSpec()
    {
        var lines = File.ReadAllLines(FindSpec());
        var properties = new HashSet<string>(StringComparer.Ordinal);
        var required = new List<string>();
        foreach (var schema in new[] { "CreateChatCompletionRequest", "CreateModelResponseProperties", "ModelResponseProperties" })
        {
            var block = SchemaBlock(lines, schema);
            properties.UnionWith(TopLevelNames(block, "properties:"));
            if (schema == "CreateChatCompletionRequest")
            {
                required.AddRange(TopLevelNames(block, "required:"));
            }
        }

        properties.Count.ShouldBeGreaterThan(20, "the spec's CreateChatCompletionRequest members could not be read");
        required.ShouldNotBeEmpty("the spec's CreateChatCompletionRequest required list could not be read");
        return (properties, required);
    }

    /// <summary>The lines of one schema under components/schemas (indented by 4), up to the next schema.</summary>
    private static List<string> SchemaBlock(string[] lines, string schema)
    {
        var start = Array.IndexOf(lines, $"    {schema}:");
        start.ShouldBeGreaterThanOrEqualTo(0, $"schema {schema} not found in the spec");
        var block = new List<string>();
        for (var i = start + 1; i < lines.Length && (lines[i].Length == 0 || Indent(lines[i]) > 4); i++)
        {
            block.Add(lines[i]);
        }

        return block;
    }

    /// <summary>
    /// The names under the least indented <paramref name="keyword"/> lines of the block: the members of <c>properties:</c>
    /// (<c>name:</c> lines) or the items of <c>required:</c> (<c>- name</c> lines), at the schema's top level only.
    /// </summary>
    private static IEnumerable<string> TopLevelNames(List<string> block, string keyword)
    {
        var headers = block.Select((line, index) => (line, index)).Where(x => x.line.Trim() == keyword).ToList();
        if (headers.Count == 0)
        {
            yield break;
        }

        var indent = headers.Min(x => Indent(x.line));
        foreach (var (_, index) in headers.Where(x => Indent(x.line) == indent))
        {
            for (var i = index + 1; i < block.Count; i++)
            {
                var line = block[i];
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                if (Indent(line) <= indent && !(keyword == "required:" && Indent(line) == indent && line.TrimStart().StartsWith('-')))
                {
                    break;
                }

                var match = keyword == "required:" ? RequiredItem().Match(line) : PropertyName().Match(line);
                if (match.Success && (keyword == "required:" || Indent(line) == indent + 2))
                {
                    yield return match.Groups[1].Value;
                }
            }
        }
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string FindSpec([CallerFilePath] string sourceFile = "")
    {
        if (Environment.GetEnvironmentVariable(SpecVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(Path.GetDirectoryName(sourceFile)!); directory is not null; directory = directory.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(directory.FullName, "shared", "specs", "openai-openapi.yaml"), Path.Combine(directory.FullName, "specs", "openai-openapi.yaml") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new ShouldAssertException($"openai-openapi.yaml not found above {sourceFile}; set {SpecVariable} to its path.");
    }

    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_]*):\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PropertyName();

    [GeneratedRegex(@"^\s*-\s+([A-Za-z_][A-Za-z0-9_]*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex RequiredItem();
}
