using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Almyty.Api.Tests.Fakes;

/// <summary>One model a fake upstream serves.</summary>
public sealed record FakeModel(string Id, string DisplayName, DateTimeOffset Created, string OwnedBy = "fake-org");

/// <summary>
/// The fake's model listings. Both protocols share the path: an OpenAI root is <c>http://host/v1</c>, so its
/// <c>{baseUrl}/models</c> is <c>/v1/models</c>, and Anthropic's <c>{baseUrl}/v1/models</c> is the same path; a request
/// carrying <c>anthropic-version</c> is answered in Anthropic's format, any other in OpenAI's.
/// </summary>
public static class ModelListing
{
    public const string Path = "/v1/models";

    public static IReadOnlyList<FakeModel> DefaultModels { get; } =
    [
        new("gpt-4o", "GPT-4o", new DateTimeOffset(2024, 5, 13, 0, 0, 0, TimeSpan.Zero), "system"),
        new("gpt-4o-mini-2024-07-18", "GPT-4o mini", new DateTimeOffset(2024, 7, 18, 0, 0, 0, TimeSpan.Zero), "system"),
        new("ft:my-own-model", "My fine-tune", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), "user-abc"),
    ];

    internal static WireProtocol ProtocolOf(HttpRequest request) =>
        request.Headers.ContainsKey("anthropic-version") ? WireProtocol.Anthropic : WireProtocol.OpenAi;

    /// <summary>The scenario's models: OpenAI's list whole, Anthropic's a page as <c>limit</c>/<c>after_id</c> ask.</summary>
    public static Task WriteAsync(UpstreamExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var models = exchange.Scenario.ServedModels;
        if (exchange.Protocol == WireProtocol.OpenAi)
        {
            return WriteJsonAsync(exchange.Http, 200, new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray([.. models.Select(m => (JsonNode)new JsonObject
                {
                    ["id"] = m.Id,
                    ["object"] = "model",
                    ["created"] = m.Created.ToUnixTimeSeconds(),
                    ["owned_by"] = m.OwnedBy,
                })]),
            });
        }

        var query = exchange.Http.Request.Query;
        var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) ? asked : 20;
        if (limit is < 1 or > 1000)
        {
            return Reply.Error(400, "limit: Input should be less than or equal to 1000")(exchange);
        }

        limit = Math.Min(limit, exchange.Scenario.ModelPageSize ?? limit);
        var start = 0;
        if (query["after_id"].ToString() is { Length: > 0 } after)
        {
            var index = models.ToList().FindIndex(m => m.Id == after);
            if (index < 0)
            {
                return Reply.Error(400, $"after_id: unknown model '{after}'")(exchange);
            }

            start = index + 1;
        }

        var page = models.Skip(start).Take(limit).ToList();
        return WriteJsonAsync(exchange.Http, 200, AnthropicPage(page, start + page.Count < models.Count));
    }

    /// <summary>An Anthropic page as the API writes it.</summary>
    public static JsonObject AnthropicPage(IReadOnlyList<FakeModel> page, bool hasMore, string? lastId = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        return new JsonObject
        {
            ["data"] = new JsonArray([.. page.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "model",
                ["id"] = m.Id,
                ["display_name"] = m.DisplayName,
                ["created_at"] = m.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            })]),
            ["has_more"] = hasMore,
            ["first_id"] = page.Count > 0 ? page[0].Id : null,
            ["last_id"] = lastId ?? (page.Count > 0 ? page[^1].Id : null),
        };
    }

    /// <summary>An Anthropic listing that never ends: every page has one new model and says there is more.</summary>
    public static UpstreamBehaviour EndlessAnthropicPages() =>
        exchange =>
        {
            var id = $"claude-endless-{Guid.NewGuid():N}";
            return WriteJsonAsync(exchange.Http, 200, AnthropicPage([new FakeModel(id, id, DateTimeOffset.UnixEpoch)], hasMore: true));
        };

    private static async Task WriteJsonAsync(HttpContext http, int status, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }
}
