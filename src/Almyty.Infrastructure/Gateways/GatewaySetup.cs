using System.Net;
using Almyty.Application.Gateways;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Almyty.Infrastructure.Gateways;

internal static class GatewaySetup
{
    public static IServiceCollection AddGateways(this IServiceCollection services)
    {
        services.AddSingleton<EgressConnector>();
        services.AddSingleton<UpstreamCaller>();
        services.AddTransient<ILlmGateway, LlmGateway>();

        // Without the factory's two logging handlers: they open a scope and redact the URI on every call even when
        // nothing is logged, and UpstreamCaller logs each failed call itself (host, kind, status, never the URL).
        services.AddHttpClient<OpenAiChatClient>(ConfigureClient).ConfigurePrimaryHttpMessageHandler(CreateHandler).RemoveAllLoggers().AddUpstreamResilience("openai");
        services.AddHttpClient<AnthropicChatClient>(ConfigureClient).ConfigurePrimaryHttpMessageHandler(CreateHandler).RemoveAllLoggers().AddUpstreamResilience("anthropic");

        // Model listings ride on the chat clients' own named clients: one handler chain, one pipeline (and circuit) per upstream.
        services.AddHttpClient(nameof(OpenAiChatClient)).AddTypedClient<OpenAiModelsClient>();
        services.AddHttpClient(nameof(AnthropicChatClient)).AddTypedClient<AnthropicModelsClient>();
        return services;
    }

    private static void ConfigureClient(HttpClient client)
    {
        // The caller's own budget (the provider's timeoutSeconds) cancels the call; this is only the outer stop.
        client.Timeout = Timeout.InfiniteTimeSpan;
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Almyty/1.0");
    }

    /// <summary>No redirects, no proxy, no trace context, and every connection made through the egress check.</summary>
    private static SocketsHttpHandler CreateHandler(IServiceProvider services)
    {
        var connector = services.GetRequiredService<EgressConnector>();
        var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = connector.ConnectAsync, // with its own, shorter, timeout
            ConnectTimeout = EgressConnector.EstablishTimeout(options),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            // No traceparent/tracestate/baggage: a third party has no use for our trace ids.
            ActivityHeadersPropagator = null,
        };
    }

    /// <summary>
    /// One pipeline per client and upstream authority: retries with jittered exponential backoff (honouring a short
    /// Retry-After) as long as the wait fits in the call's time budget, a circuit breaker, and an attempt timeout. A dead
    /// provider opens only its own circuit.
    /// </summary>
    private static void AddUpstreamResilience(this IHttpClientBuilder builder, string name) =>
        builder.AddResilienceHandler($"{name}-upstream", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,

                    // The wait is chosen by UpstreamRetry (Retry-After, else this backoff, refused when it would not fit
                    // in the budget); these only describe the same backoff in case no wait was chosen.
                    Delay = TimeSpan.FromMilliseconds(options.RetryBaseDelayMilliseconds),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldRetryAfterHeader = false, // it would replace the DelayGenerator below with its own
                    ShouldHandle = args => UpstreamRetry.ShouldRetry(args, options, timeProvider),
                    DelayGenerator = UpstreamRetry.StoredDelay,
                    OnRetry = args =>
                    {
                        UpstreamAttempts.Note(args.Context.GetRequestMessage(), args.Outcome);
                        return default;
                    },
                });
            }

            pipeline
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitFailureRatio,
                    MinimumThroughput = options.CircuitMinimumThroughput,
                    SamplingDuration = TimeSpan.FromSeconds(options.CircuitSamplingSeconds),
                    BreakDuration = TimeSpan.FromSeconds(options.CircuitBreakSeconds),
                    ShouldHandle = args => ValueTask.FromResult(IsUpstreamFault(args.Outcome)),
                })
                .AddTimeout(AttemptTimeout(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds), timeProvider));
        }).SelectPipelineByAuthority();

    /// <summary>The same timeout for every attempt, each noted on the request as it begins (<see cref="UpstreamAttempts.Begin"/>).</summary>
    private static TimeoutStrategyOptions AttemptTimeout(TimeSpan timeout, TimeProvider timeProvider) => new()
    {
        Timeout = timeout,
        TimeoutGenerator = args =>
        {
            UpstreamAttempts.Begin(args.Context.GetRequestMessage(), timeout, timeProvider);
            return ValueTask.FromResult(timeout);
        },
    };

    /// <summary>
    /// Worth another try: 408, a 429 whose wait is short, 5xx, a network error or an attempt timeout. Never an egress
    /// refusal, nor a connect the call's own time budget cut short.
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, TimeProvider timeProvider)
    {
        if (outcome.Result is { } response)
        {
            var status = (int)response.StatusCode;
            if (status is not (408 or 429 or >= 500))
            {
                return false;
            }

            // A wait longer than we would sit out (in seconds or as a date) goes back to the caller instead.
            return UpstreamCaller.RetryAfterOf(response, timeProvider) is not { } wait || wait <= maxRetryAfter;
        }

        return outcome.Exception switch
        {
            HttpRequestException exception => !IsEgressRefusal(exception) && !IsBudgetSpentConnecting(exception),
            TimeoutRejectedException => true,
            { } exception => EgressConnector.IsEstablishTimeout(exception),
            _ => false,
        };
    }

    /// <summary>
    /// What counts against a provider's circuit: its own failures, not rate limits, our egress policy, or a connect cut
    /// short by one call's own time budget.
    /// </summary>
    internal static bool IsUpstreamFault(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response
            ? (int)response.StatusCode is 408 or >= 500
            : outcome.Exception is TimeoutRejectedException
                || (outcome.Exception is HttpRequestException exception && !IsEgressRefusal(exception) && !IsBudgetSpentConnecting(exception))
                || (outcome.Exception is { } other && EgressConnector.IsEstablishTimeout(other));

    private static bool IsEgressRefusal(Exception exception) => ExceptionChain.Find<EgressBlockedException>(exception) is not null;

    /// <summary>A connect the call's own time budget cut short: no retry would fit, and the host is not at fault.</summary>
    private static bool IsBudgetSpentConnecting(Exception exception) => ExceptionChain.Find<ConnectBudgetSpentException>(exception) is not null;
}
