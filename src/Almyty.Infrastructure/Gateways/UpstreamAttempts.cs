using Polly;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// Whether a call reached the provider at all, across the resilience pipeline's attempts. Only a call that went out
/// counts towards a provider's <c>totalRequests</c>: one whose every attempt failed to connect (no address, refused,
/// TLS handshake failed or stalled, egress refused, circuit open) was never sent.
/// </summary>
internal static class UpstreamAttempts
{
    private static readonly HttpRequestOptionsKey<bool> SentKey = new("Almyty.Upstream.Sent");

    /// <summary>Called by the retry strategy for each attempt that is retried.</summary>
    public static void Note(HttpRequestMessage? request, Outcome<HttpResponseMessage> attempt)
    {
        if (request is not null && (attempt.Result is not null || (attempt.Exception is { } exception && !NeverLeft(exception))))
        {
            request.Options.Set(SentKey, true);
        }
    }

    /// <summary>Whether the call went out, given how its last attempt failed.</summary>
    public static bool WentOut(HttpRequestMessage request, Exception lastAttempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !NeverLeft(lastAttempt) || (request.Options.TryGetValue(SentKey, out var sent) && sent);
    }

    /// <summary>
    /// Failures before a connection was made, so before a byte of the request was written. Anything else (a timeout,
    /// a dropped connection) may have reached the provider, and counts.
    /// </summary>
    private static bool NeverLeft(Exception exception) => ExceptionChain.Of(exception).Any(IsBeforeConnecting);

    private static bool IsBeforeConnecting(Exception exception) => exception switch
    {
        EgressBlockedException or Polly.CircuitBreaker.BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError } => true,
        _ => EgressConnector.IsEstablishTimeout(exception),
    };
}
