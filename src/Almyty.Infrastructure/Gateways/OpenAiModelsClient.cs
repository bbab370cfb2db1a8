using System.Net.Http.Headers;
using System.Text.Json;
using Almyty.Application.Gateways;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// OpenAI's model listing (<c>GET {baseUrl}/models</c>, answered <c>{"object":"list","data":[{"id","object","created","owned_by"}]}</c>),
/// for OpenAI and compatible servers; a bare array of models, as some compatible servers answer, is read too. It runs on
/// the chat client's HttpClient: the same egress check, resilience pipeline, size cap and error classification.
/// </summary>
internal sealed class OpenAiModelsClient(HttpClient http, UpstreamCaller caller)
{
    public async Task<ModelListOutcome> ListAsync(ModelListRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, OpenAiChatClient.Endpoint(request.BaseUrl, "models"));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.ApiKey);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var (success, failure) = await caller.SendAsync(http, message, request.ApiKey, OpenAiChatClient.ReadError, request.Timeout, cancellationToken);
        if (failure is not null)
        {
            return ModelListOutcome.Failed(failure);
        }

        using (success)
        {
            var root = success!.Body.RootElement;
            var entries = root.ValueKind == JsonValueKind.Array ? root : root.Array("data");
            if (entries is not { } list)
            {
                return ModelListOutcome.Failed(new UpstreamFailure(UpstreamFailureKind.InvalidResponse, "The model list has no 'data' array.", 200, null, success.Elapsed, Sent: true));
            }

            var models = new ModelCollector();
            foreach (var entry in list.EnumerateArray())
            {
                if (entry.String("id") is { Length: > 0 } id)
                {
                    models.Add(new ProviderModel(id, null, CreatedOf(entry), entry.String("owned_by")));
                }
            }

            return ModelListOutcome.Success(models.Models);
        }
    }

    /// <summary><c>created</c> is Unix seconds.</summary>
    private static DateTimeOffset? CreatedOf(JsonElement entry) =>
        entry.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds)
            && seconds is >= 0 and <= 253_402_300_799
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}

/// <summary>Models in the order listed, each id once (the first listing wins).</summary>
internal sealed class ModelCollector
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<ProviderModel> _models = [];

    public IReadOnlyList<ProviderModel> Models => _models;

    public void Add(ProviderModel model)
    {
        if (_seen.Add(model.Id))
        {
            _models.Add(model);
        }
    }
}
