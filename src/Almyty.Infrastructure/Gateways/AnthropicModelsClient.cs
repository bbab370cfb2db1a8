using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Almyty.Application.Gateways;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// Anthropic's model listing (<c>GET {baseUrl}/v1/models?limit=1000</c>, answered
/// <c>{"data":[{"type":"model","id","display_name","created_at"}],"has_more","first_id","last_id"}</c>), following
/// <c>has_more</c> with <c>after_id</c> page by page. It runs on the chat client's HttpClient: the same egress check,
/// resilience pipeline, size cap (per page) and error classification. The request's time budget covers every page.
/// </summary>
internal sealed class AnthropicModelsClient(HttpClient http, UpstreamCaller caller, TimeProvider timeProvider)
{
    /// <summary>The largest page Anthropic serves.</summary>
    public const int PageSize = 1000;

    /// <summary>
    /// More pages than this is a listing that does not end: refused rather than followed forever. Generous, because a
    /// provider may serve far fewer models per page than <see cref="PageSize"/> asks for.
    /// </summary>
    public const int MaxPages = 100;

    /// <summary>More models than this is refused as well, however few pages carried them.</summary>
    public const int MaxModels = 10_000;

    public async Task<ModelListOutcome> ListAsync(ModelListRequest request, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var models = new ModelCollector();
        string? after = null;
        for (var page = 1; page <= MaxPages; page++)
        {
            var remaining = request.Timeout - timeProvider.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return ModelListOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.Timeout, $"No complete model list within {request.Timeout.TotalSeconds:0.###} s.", null, null, null, Sent: true));
            }

            using var message = new HttpRequestMessage(HttpMethod.Get, PageUri(request.BaseUrl, after));
            message.Headers.Add("x-api-key", request.ApiKey);
            message.Headers.Add("anthropic-version", AnthropicChatClient.ApiVersion);
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var (success, failure) = await caller.SendAsync(http, message, request.ApiKey, AnthropicChatClient.ReadError, remaining, cancellationToken);
            if (failure is not null)
            {
                return ModelListOutcome.Failed(failure);
            }

            using (success)
            {
                var body = success!.Body.RootElement;
                if (body.Array("data") is not { } entries)
                {
                    return ModelListOutcome.Failed(Invalid("The model list has no 'data' array.", success.Elapsed));
                }

                string? lastId = null;
                foreach (var entry in entries.EnumerateArray())
                {
                    if (entry.String("id") is { Length: > 0 } id)
                    {
                        models.Add(new ProviderModel(id, entry.String("display_name"), CreatedOf(entry), null));
                        lastId = id;
                    }
                }

                if (models.Models.Count > MaxModels)
                {
                    return ModelListOutcome.Failed(Invalid(string.Create(CultureInfo.InvariantCulture, $"The model list has more than {MaxModels:N0} models."), success.Elapsed));
                }

                if (!(body.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True))
                {
                    return ModelListOutcome.Success(models.Models);
                }

                var next = body.String("last_id") ?? lastId;
                if (next is null || next == after)
                {
                    return ModelListOutcome.Failed(Invalid("The model list says it has more pages but gives no new cursor to reach them.", success.Elapsed));
                }

                after = next;
            }
        }

        return ModelListOutcome.Failed(Invalid(string.Create(CultureInfo.InvariantCulture, $"The model list did not end within {MaxPages} pages ({models.Models.Count:N0} models so far)."), null));
    }

    private static Uri PageUri(Uri baseUrl, string? after)
    {
        var endpoint = OpenAiChatClient.Endpoint(baseUrl, "v1/models").AbsoluteUri;
        var query = string.Create(CultureInfo.InvariantCulture, $"limit={PageSize}") + (after is null ? string.Empty : "&after_id=" + Uri.EscapeDataString(after));
        return new Uri(endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query, UriKind.Absolute);
    }

    /// <summary><c>created_at</c> is an RFC 3339 date-time.</summary>
    private static DateTimeOffset? CreatedOf(JsonElement entry) =>
        entry.String("created_at") is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var created)
            ? created
            : null;

    private static UpstreamFailure Invalid(string message, TimeSpan? elapsed) =>
        new(UpstreamFailureKind.InvalidResponse, message, 200, null, elapsed, Sent: true);
}
