using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Almyty.Api.Tests.Fakes;

/// <summary>The two wire protocols the fake upstream speaks, told apart by the request path (model listings: by their headers).</summary>
public enum WireProtocol
{
    /// <summary><c>POST /v1/chat/completions</c> (OpenAI and every OpenAI-compatible server).</summary>
    OpenAi,

    /// <summary><c>POST /v1/messages</c> (Anthropic Messages).</summary>
    Anthropic,
}

/// <summary>One request exactly as the fake upstream received it.</summary>
public sealed class RecordedRequest
{
    private volatile bool _aborted;

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Query { get; init; }

    /// <summary>Every header, by name ignoring case; repeated headers are joined with a comma.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    public required string RawBody { get; init; }

    /// <summary>The body parsed as JSON; null when it was empty or not JSON.</summary>
    public JsonNode? Body { get; init; }

    /// <summary>The protocol of the path; null for any other path (a redirect target, say).</summary>
    public WireProtocol? Protocol { get; init; }

    /// <summary>Whether this is a model listing (<c>GET /v1/models</c>, either protocol).</summary>
    public bool ListsModels => Method == "GET" && Path == ModelListing.Path;

    /// <summary>The key the request carried: the Bearer token, else <c>x-api-key</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>A <see cref="Stopwatch"/> timestamp of the moment the request arrived.</summary>
    public long ReceivedTimestamp { get; init; }

    /// <summary>Whether the client went away (its RequestAborted token fired) while the fake was still answering.</summary>
    public bool Aborted => _aborted;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as a JSON object; fails the test when it is not one.</summary>
    public JsonObject Json => Body as JsonObject ?? throw new ShouldAssertException($"The upstream request body is not a JSON object: {RawBody}");

    /// <summary>The <c>messages</c> array as (role, content) pairs, in order.</summary>
    public IReadOnlyList<(string Role, string Content)> Messages =>
        Json["messages"].ShouldNotBeNull(RawBody).AsArray()
            .Select(m => (m!["role"]!.GetValue<string>(), m["content"]!.GetValue<string>()))
            .ToList();

    /// <summary>The content of the last user message, or null when there is none.</summary>
    public string? LastUserMessage
    {
        get
        {
            if (Body?["messages"] is not JsonArray messages)
            {
                return null;
            }

            for (var i = messages.Count - 1; i >= 0; i--)
            {
                if (messages[i]?["role"]?.GetValue<string>() == "user" && messages[i]!["content"] is JsonValue content && content.TryGetValue<string>(out var text))
                {
                    return text;
                }
            }

            return null;
        }
    }

    internal void MarkAborted() => _aborted = true;
}
