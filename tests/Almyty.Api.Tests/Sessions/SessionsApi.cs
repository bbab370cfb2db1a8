using System.Net;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Fakes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Sessions;

/// <summary>A session the API has just created: its id, its ETag and the <c>data</c> it answered with.</summary>
public sealed record CreatedSession(string ProviderId, string Id, string ETag, JsonObject Data)
{
    public string Url => SessionsApi.Url(ProviderId, Id);

    public Guid SessionId => Guid.Parse(Id);
}

/// <summary>Shorthands for the session tests.</summary>
public static class SessionsApi
{
    /// <summary>Every member a session carries, and nothing else.</summary>
    public static IReadOnlyList<string> SessionFields { get; } =
    [
        "id", "providerId", "title", "systemPrompt", "messageCount", "totalTokens", "totalCost", "createdAt", "updatedAt", "lastActivityAt",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string Url(string providerId) => $"{ChatApi.Route}/{providerId}/sessions";

    public static string Url(string providerId, string sessionId) => $"{Url(providerId)}/{sessionId}";

    public static Task<HttpResponseMessage> PostSessionAsync(this HttpClient client, string providerId, JsonNode? body) =>
        client.SendJsonAsync(HttpMethod.Post, Url(providerId), body?.ToJsonString());

    public static async Task<CreatedSession> CreateSessionAsync(this HttpClient client, string providerId, string? title = null, string? systemPrompt = null)
    {
        var body = new JsonObject();
        if (title is not null)
        {
            body["title"] = title;
        }

        if (systemPrompt is not null)
        {
            body["systemPrompt"] = systemPrompt;
        }

        using var response = await client.PostSessionAsync(providerId, body);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var data = JsonNode.Parse(text)!["data"]!.AsObject();
        return new CreatedSession(providerId, data["id"]!.GetValue<string>(), response.ETag(), data);
    }

    public static Task<HttpResponseMessage> GetSessionAsync(this HttpClient client, string providerId, string sessionId, string query = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        var url = Url(providerId, sessionId);
        return client.GetAsync(query.Length == 0 ? url : $"{url}?{query}", Token);
    }

    public static async Task<JsonObject> GetSessionDataAsync(this HttpClient client, string providerId, string sessionId, string query = "")
    {
        using var response = await client.GetSessionAsync(providerId, sessionId, query);
        return await response.ShouldSucceedAsync();
    }

    public static Task<HttpResponseMessage> ListSessionsAsync(this HttpClient client, string providerId, string query = "")
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetAsync(query.Length == 0 ? Url(providerId) : $"{Url(providerId)}?{query}", Token);
    }

    public static async Task<JsonObject> ListSessionsDataAsync(this HttpClient client, string providerId, string query = "")
    {
        using var response = await client.ListSessionsAsync(providerId, query);
        return await response.ShouldSucceedAsync();
    }

    public static Task<HttpResponseMessage> PatchSessionAsync(this HttpClient client, string providerId, string sessionId, JsonNode body, string? ifMatch = null) =>
        client.SendJsonAsync(HttpMethod.Patch, Url(providerId, sessionId), body.ToJsonString(), ifMatch);

    public static Task<HttpResponseMessage> PatchSessionRawAsync(this HttpClient client, string providerId, string sessionId, string json) =>
        client.SendJsonAsync(HttpMethod.Patch, Url(providerId, sessionId), json);

    public static Task<HttpResponseMessage> DeleteSessionAsync(this HttpClient client, string providerId, string sessionId, string? ifMatch = null) =>
        client.SendJsonAsync(HttpMethod.Delete, Url(providerId, sessionId), json: null, ifMatch);

    /// <summary>The session ids of a list answer, in order.</summary>
    public static IReadOnlyList<string> SessionIds(this JsonObject listData)
    {
        ArgumentNullException.ThrowIfNull(listData);
        return listData["sessions"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
    }

    /// <summary>The members of a session object, sorted, to compare with <see cref="SessionFields"/>.</summary>
    public static IReadOnlyList<string> Members(this JsonObject session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return session.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> Sorted(this IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToList();

    /// <summary>The chat_sessions row: message_count, total_tokens, total_cost, title, system_prompt, provider_id, organization_id.</summary>
    public static async Task<object?[]?> SessionRowAsync(this TestDatabase database, string sessionId)
    {
        Guid.Parse(sessionId);
        var rows = await database.RowsAsync(
            $"SELECT message_count, total_tokens, total_cost, title, system_prompt, provider_id, organization_id FROM chat_sessions WHERE id = '{sessionId}'");
        return rows.SingleOrDefault();
    }
}
