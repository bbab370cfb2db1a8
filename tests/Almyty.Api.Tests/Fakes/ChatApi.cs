using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Fakes;

/// <summary>Shorthands for the chat and test-connection tests: providers pointing at a fake upstream, calls, envelopes.</summary>
public static class ChatApi
{
    public const string Route = "/llm-providers";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string NewOrganization() => $"org-chat-{Guid.NewGuid():N}";

    public static HttpClient OwnerClient(this ApiFactory factory, string? organizationId = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.ClientFor(organizationId ?? NewOrganization(), "owner");
    }

    /// <summary>Creates a provider of <paramref name="kind"/> whose calls reach <paramref name="scenario"/>; returns its id.</summary>
    public static async Task<string> AddProviderAsync(
        this HttpClient client,
        UpstreamScenario scenario,
        string kind = "openai",
        string? model = null,
        JsonObject? configuration = null,
        string? baseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scenario);
        var body = new JsonObject
        {
            ["name"] = $"{kind} {Guid.NewGuid():N}",
            ["provider"] = kind,
            ["apiKey"] = scenario.ApiKey,
            ["baseUrl"] = baseUrl ?? (kind == "anthropic" ? scenario.Upstream.AnthropicBaseUrl : scenario.Upstream.OpenAiBaseUrl),
        };
        var chosenModel = model ?? (kind == "anthropic" ? "claude-sonnet-4-6" : "gpt-4o");
        body["model"] = chosenModel;
        if (configuration is not null)
        {
            body["configuration"] = configuration;
        }

        return await client.AddProviderAsync(body);
    }

    /// <summary>Creates a provider from a raw body, checking the 201; returns its id.</summary>
    public static async Task<string> AddProviderAsync(this HttpClient client, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        using var response = await client.PostAsync(Route, Json(body), Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!["data"]!["id"]!.GetValue<string>();
    }

    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string providerId, string message, Guid? sessionId = null)
    {
        var body = new JsonObject { ["message"] = message };
        if (sessionId is { } id)
        {
            body["sessionId"] = id.ToString();
        }

        return client.ChatAsync(providerId, body);
    }

    public static Task<HttpResponseMessage> ChatAsync(this HttpClient client, string providerId, JsonObject body, CancellationToken? cancellationToken = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        return client.PostAsync($"{Route}/{providerId}/chat", Json(body), cancellationToken ?? Token);
    }

    public static Task<HttpResponseMessage> TestConnectionAsync(this HttpClient client, string providerId)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.PostAsync($"{Route}/{providerId}/test", content: null, Token);
    }

    /// <summary>The provider's <c>data</c> as GET answers it.</summary>
    public static async Task<JsonObject> GetProviderDataAsync(this HttpClient client, string providerId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync($"{Route}/{providerId}", Token);
        return await response.ShouldSucceedAsync();
    }

    /// <summary>The provider's <c>GET .../usage</c> over all time.</summary>
    public static async Task<JsonObject> GetUsageDataAsync(this HttpClient client, string providerId)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync($"{Route}/{providerId}/usage", Token);
        return await response.ShouldSucceedAsync();
    }

    /// <summary>Checks a 200 success envelope and returns its <c>data</c>.</summary>
    public static async Task<JsonObject> ShouldSucceedAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(Token);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var body = JsonNode.Parse(text)!.AsObject();
        body["success"]!.GetValue<bool>().ShouldBeTrue(text);
        return body["data"].ShouldNotBeNull(text).AsObject();
    }

    /// <summary>Checks the platform's error envelope with this exact status and code; returns the body.</summary>
    public static async Task<JsonObject> ShouldFailWithAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(Token);
        var context = $"{(int)response.StatusCode} {text}";
        response.StatusCode.ShouldBe(status, context);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("application/json", context);
        var body = JsonNode.Parse(text)!.AsObject();
        body["success"]!.GetValue<bool>().ShouldBeFalse(context);
        body["error"]!.GetValue<string>().ShouldBe(code, context);
        body["statusCode"]!.GetValue<int>().ShouldBe((int)status, context);
        body["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(context);
        body.ContainsKey("data").ShouldBeFalse(context);
        text.ShouldNotContain("Exception", Case.Sensitive);
        text.ShouldNotContain(" at Almyty.", Case.Sensitive);
        return body;
    }

    public static string Message(this JsonObject errorBody)
    {
        ArgumentNullException.ThrowIfNull(errorBody);
        return errorBody["message"]!.GetValue<string>();
    }

    public static decimal AsMoney(this JsonNode? node) => node.ShouldNotBeNull().GetValue<decimal>();

    public static long AsCount(this JsonNode? node) => node.ShouldNotBeNull().GetValue<long>();

    /// <summary>How many rows a count query finds (<c>SELECT count(*) ...</c>).</summary>
    public static async Task<long> CountAsync(this TestDatabase database, string sql)
    {
        ArgumentNullException.ThrowIfNull(database);
        return await database.ScalarAsync<long>(sql);
    }

    /// <summary>Every row a query returns, each as its column values (DBNull as null).</summary>
    public static async Task<List<object?[]>> RowsAsync(this TestDatabase database, string sql)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Token);
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(Token))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A session's stored messages in order: (sequence, role, content).</summary>
    public static async Task<List<(int Sequence, string Role, string Content)>> StoredMessagesAsync(this TestDatabase database, Guid sessionId)
    {
        var rows = await database.RowsAsync($"SELECT sequence, role, content FROM chat_messages WHERE session_id = '{sessionId}' ORDER BY sequence");
        return rows.Select(r => ((int)r[0]!, ((string)r[1]!).ToLowerInvariant(), (string)r[2]!)).ToList();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails the test after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Still not true after {timeout.TotalSeconds} s: {because}");
            }

            await Task.Delay(50, Token);
        }
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
