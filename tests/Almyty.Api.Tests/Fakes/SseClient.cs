using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Almyty.Api.Tests.Fakes;

/// <summary>One server-sent event as a client sees it.</summary>
public sealed record ServerSentEvent(string Event, string Data)
{
    public JsonObject Json => JsonNode.Parse(Data).ShouldNotBeNull(Data).AsObject();
}

/// <summary>
/// A minimal SSE client over a real HTTP response: it returns as soon as the headers are in and reads the body event by
/// event as the server flushes it, keeping the raw text for assertions on the exact wire format.
/// </summary>
public sealed class SseResponse : IDisposable
{
    private readonly StringBuilder _raw = new();
    private StreamReader? _reader;

    private SseResponse(HttpResponseMessage response) => Response = response;

    public HttpResponseMessage Response { get; }

    /// <summary>Everything read so far, exactly as received.</summary>
    public string Raw => _raw.ToString();

    /// <summary>Posts a chat asking for a stream (in the body, unless <paramref name="body"/> says otherwise) and returns at the response headers.</summary>
    public static async Task<SseResponse> OpenAsync(HttpClient client, string providerId, JsonObject body, bool acceptEventStream = false, CancellationToken? cancellationToken = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(body);
        var token = cancellationToken ?? TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{ChatApi.Route}/{providerId}/chat")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (acceptEventStream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        return new SseResponse(response);
    }

    public static Task<SseResponse> OpenAsync(HttpClient client, string providerId, string message, Guid? sessionId = null)
    {
        var body = new JsonObject { ["message"] = message, ["stream"] = true };
        if (sessionId is { } id)
        {
            body["sessionId"] = id.ToString();
        }

        return OpenAsync(client, providerId, body);
    }

    /// <summary>Checks the 200 and the event-stream headers.</summary>
    public SseResponse ShouldBeEventStream()
    {
        Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        Response.Content.Headers.ContentType.ShouldNotBeNull();
        Response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        Response.Content.Headers.ContentType.CharSet.ShouldBe("utf-8");
        Response.Headers.CacheControl?.NoCache.ShouldBe(true);
        Response.Headers.GetValues("X-Accel-Buffering").ShouldBe(["no"]);
        Response.Content.Headers.ContentEncoding.ShouldBeEmpty();
        Response.Content.Headers.ContentLength.ShouldBeNull();
        return this;
    }

    /// <summary>The next event; null at the end of the stream. Fails the test when none comes within <paramref name="timeout"/>.</summary>
    public async Task<ServerSentEvent?> ReadEventAsync(TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(20));
        _reader ??= new StreamReader(await Response.Content.ReadAsStreamAsync(deadline.Token), Encoding.UTF8);
        string? name = null;
        StringBuilder? data = null;
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                throw new ShouldAssertException($"No complete event within {(timeout ?? TimeSpan.FromSeconds(20)).TotalSeconds} s; read so far: {Raw}");
            }

            if (line is null)
            {
                return data is null ? null : new ServerSentEvent(name ?? "message", data.ToString());
            }

            _raw.Append(line).Append('\n');
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new ServerSentEvent(name ?? "message", data.ToString());
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? string.Empty : line[(colon + 1)..].TrimStart(' ');
            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                (data ??= new StringBuilder()).Append(data.Length > 0 ? "\n" : string.Empty).Append(value);
            }
        }
    }

    /// <summary>Every event until the server ends the stream.</summary>
    public async Task<List<ServerSentEvent>> ReadAllAsync(TimeSpan? timeout = null)
    {
        var events = new List<ServerSentEvent>();
        while (await ReadEventAsync(timeout) is { } item)
        {
            events.Add(item);
        }

        return events;
    }

    public void Dispose()
    {
        _reader?.Dispose();
        Response.Dispose();
    }
}
