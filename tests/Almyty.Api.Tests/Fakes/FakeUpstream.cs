using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Almyty.Api.Tests.Fakes;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that speaks the OpenAI chat completions protocol (<c>POST /v1/chat/completions</c>)
/// and the Anthropic Messages protocol (<c>POST /v1/messages</c>), lists models in both (<c>GET /v1/models</c>, see
/// <see cref="ModelListing"/>), records every request, and answers as each test's
/// <see cref="UpstreamScenario"/> scripts it. A scenario is found by the API key a request carries, so tests that share
/// one fake never see each other's requests or answers.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private const string TrapPrefix = "/redirected/";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, UpstreamScenario> _scenarios = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];

    private FakeUpstream(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The OpenAI API root (openai and custom providers): chat goes to <c>{this}/chat/completions</c>.</summary>
    public string OpenAiBaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The Anthropic host root: chat goes to <c>{this}/v1/messages</c>.</summary>
    public string AnthropicBaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>Every request the fake received, in arrival order, whatever its key or path.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeUpstream? upstream = null;
        app.Run(context => upstream!.HandleAsync(context));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        upstream = new FakeUpstream(app, new Uri(address).Port);
        return upstream;
    }

    /// <summary>A fresh scenario with its own API key; it answers with <paramref name="script"/> in order, then with its fallback (a success).</summary>
    public UpstreamScenario NewScenario(params UpstreamBehaviour[] script) => NewScenarioWithKey("sk-fake-{0}", script);

    /// <summary>A scenario whose key is <paramref name="keyFormat"/> with the scenario's id for <c>{0}</c> (a key of another shape than <c>sk-</c>).</summary>
    public UpstreamScenario NewScenarioWithKey(string keyFormat, params UpstreamBehaviour[] script)
    {
        var scenario = new UpstreamScenario(this, keyFormat);
        scenario.Then(script);
        _scenarios[scenario.ApiKey] = scenario;
        return scenario;
    }

    /// <summary>The URL the redirect behaviours point at: a path of this fake that only records.</summary>
    public string TrapUrl(UpstreamScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return $"http://127.0.0.1:{Port}{TrapPrefix}{scenario.Id}/v1/chat/completions";
    }

    /// <summary>Requests that reached the scenario's redirect target.</summary>
    public IReadOnlyList<RecordedRequest> TrapRequests(UpstreamScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Requests.Where(r => r.Path.StartsWith($"{TrapPrefix}{scenario.Id}/", StringComparison.Ordinal)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        // A request still hanging (a test that failed before its client gave up) must not hold the class up for long.
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(shutdown.Token);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        RecordedRequest? request = null;
        try
        {
            request = await RecordAsync(context);
            if (request.Path.StartsWith(TrapPrefix, StringComparison.Ordinal) || request.Protocol is not { } protocol)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (request.ApiKey is null || !_scenarios.TryGetValue(request.ApiKey, out var scenario))
            {
                // A key the fake does not know: the provider's own 401.
                var unknown = new UpstreamScenario(this, "sk-fake-{0}");
                await Reply.Error(401, "Incorrect API key provided.")(new UpstreamExchange(context, request, protocol, unknown, this));
                return;
            }

            scenario.Record(request);
            await scenario.Next()(new UpstreamExchange(context, request, protocol, scenario, this));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            if (request is not null)
            {
                request.MarkAborted();
                if (request.ApiKey is not null && _scenarios.TryGetValue(request.ApiKey, out var scenario))
                {
                    scenario.ObserveAbort(request);
                }
            }
        }
    }

    private async Task<RecordedRequest> RecordAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        using var reader = new StreamReader(context.Request.Body);
        var raw = await reader.ReadToEndAsync(context.RequestAborted);
        JsonNode? body = null;
        if (raw.Length > 0)
        {
            try
            {
                body = JsonNode.Parse(raw);
            }
            catch (JsonException)
            {
                body = null;
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            headers[name] = values.ToString();
        }

        var path = context.Request.Path.Value ?? string.Empty;
        WireProtocol? protocol = context.Request.Method == HttpMethods.Get && path == ModelListing.Path ? ModelListing.ProtocolOf(context.Request)
            : context.Request.Method != HttpMethods.Post ? null
            : path == "/v1/chat/completions" ? WireProtocol.OpenAi
            : path == "/v1/messages" ? WireProtocol.Anthropic
            : null;
        var authorization = headers.GetValueOrDefault("Authorization");
        var key = authorization is not null && authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? authorization["Bearer ".Length..]
            : headers.GetValueOrDefault("x-api-key");

        var request = new RecordedRequest
        {
            Method = context.Request.Method,
            Path = path,
            Query = context.Request.QueryString.Value ?? string.Empty,
            Headers = headers,
            RawBody = raw,
            Body = body,
            Protocol = protocol,
            ApiKey = key,
            ReceivedTimestamp = received,
        };
        lock (_gate)
        {
            _requests.Add(request);
        }

        return request;
    }
}

/// <summary>One test's script for the fake and what the fake received under its API key.</summary>
public sealed class UpstreamScenario
{
    private readonly ConcurrentQueue<UpstreamBehaviour> _script = new();
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly TaskCompletionSource<RecordedRequest> _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal UpstreamScenario(FakeUpstream upstream, string keyFormat)
    {
        Upstream = upstream;
        Id = Guid.NewGuid().ToString("N");
        ApiKey = string.Format(CultureInfo.InvariantCulture, keyFormat, Id);
    }

    public FakeUpstream Upstream { get; }

    public string Id { get; }

    /// <summary>The key a provider must carry for its calls to reach this scenario.</summary>
    public string ApiKey { get; }

    /// <summary>The models a successful <c>GET /v1/models</c> lists, in this order.</summary>
    public IReadOnlyList<FakeModel> ServedModels { get; set; } = ModelListing.DefaultModels;

    /// <summary>The most models one Anthropic page holds, whatever <c>limit</c> asks (null: as asked).</summary>
    public int? ModelPageSize { get; set; }

    /// <summary>The answer once the script is used up; a success by default.</summary>
    public UpstreamBehaviour Otherwise { get; set; } = Reply.Success();

    /// <summary>The requests that carried this scenario's key, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The one request received, failing the test when there were none or several.</summary>
    public RecordedRequest SingleRequest()
    {
        var requests = Requests;
        requests.Count.ShouldBe(1, $"the fake upstream received {requests.Count} requests for this scenario");
        return requests[0];
    }

    /// <summary>Completes with the first request whose client went away while the fake was answering.</summary>
    public Task<RecordedRequest> AbortObserved => _aborted.Task;

    /// <summary>Appends answers to the script, used one per request in order.</summary>
    public UpstreamScenario Then(params UpstreamBehaviour[] behaviours)
    {
        ArgumentNullException.ThrowIfNull(behaviours);
        foreach (var behaviour in behaviours)
        {
            _script.Enqueue(behaviour);
        }

        return this;
    }

    /// <summary>The answer to every request once the script is used up.</summary>
    public UpstreamScenario Always(UpstreamBehaviour behaviour)
    {
        Otherwise = behaviour;
        return this;
    }

    internal UpstreamBehaviour Next() => _script.TryDequeue(out var behaviour) ? behaviour : Otherwise;

    internal void Record(RecordedRequest request)
    {
        lock (_gate)
        {
            _requests.Add(request);
        }
    }

    internal void ObserveAbort(RecordedRequest request) => _aborted.TrySetResult(request);
}
