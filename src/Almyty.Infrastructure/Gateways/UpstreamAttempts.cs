using Polly;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// What one call's attempts have done, kept on its request: whether any attempt reached the provider, and how long
/// the attempt under way may last. Only a call that went out counts towards a provider's <c>totalRequests</c>: one whose
/// every attempt failed to connect (no address, refused, connect step or TLS handshake timed out, egress refused,
/// circuit open) was never sent.
/// </summary>
/// <remarks>
/// The log is put on the request once, before it is sent, and only its own fields change afterwards. The handler's
/// connect step reads the request's options (a plain dictionary) from another thread as a connection begins, while the
/// attempt that needs it waits; the resilience pipeline writes them only before and after each attempt, and then only
/// replaces the value of a key already there, which never resizes the dictionary.
/// </remarks>
internal static class UpstreamAttempts
{
    private static readonly HttpRequestOptionsKey<AttemptLog> LogKey = new("Almyty.Upstream.Attempts");

    /// <summary>Gives the request an empty log. Called once, before the request is sent.</summary>
    public static void Start(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(LogKey, new AttemptLog());
    }

    /// <summary>
    /// Called by the attempt timeout as each attempt begins, with that attempt's timeout: notes when the attempt will be
    /// cut, and whether that comes before the call's time budget runs out (then it is the attempt timeout that ends it).
    /// </summary>
    public static void Begin(HttpRequestMessage? request, TimeSpan attemptTimeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (LogOf(request) is not { } log)
        {
            return;
        }

        var budgetLeft = UpstreamRetry.Remaining(request, timeProvider);
        log.Begin(Later(timeProvider.GetTimestamp(), attemptTimeout, timeProvider), budgetLeft is not { } left || attemptTimeout < left);
    }

    /// <summary>Called by the retry strategy for each attempt that is retried.</summary>
    public static void Note(HttpRequestMessage? request, Outcome<HttpResponseMessage> attempt)
    {
        if (LogOf(request) is { } log && (attempt.Result is not null || (attempt.Exception is { } exception && !NeverLeft(exception))))
        {
            log.Sent = true;
        }
    }

    /// <summary>Whether the call went out, given how its last attempt failed.</summary>
    public static bool WentOut(HttpRequestMessage request, Exception lastAttempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !NeverLeft(lastAttempt) || LogOf(request) is { Sent: true };
    }

    /// <summary>
    /// The attempts made so far, and whether the last one was to be cut by the attempt timeout before the time budget
    /// ran out. Null for a request that was not logged.
    /// </summary>
    public static (int Attempts, bool CutByAttemptTimeout)? LastAttempt(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return LogOf(request) is { } log ? (log.Attempts, log.CutByAttemptTimeout) : null;
    }

    /// <summary>
    /// How long the attempt under way, and the call's time budget, have left, whichever is less, and whether that is the
    /// budget; null when neither is known (a request sent outside <see cref="UpstreamCaller"/>).
    /// </summary>
    public static (TimeSpan Left, bool IsBudget)? TimeLeft(HttpRequestMessage? request, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var budgetLeft = UpstreamRetry.Remaining(request, timeProvider);
        TimeSpan? attemptLeft = LogOf(request)?.AttemptEnds is { } ends and not long.MaxValue
            ? timeProvider.GetElapsedTime(timeProvider.GetTimestamp(), ends)
            : null;
        return (budgetLeft, attemptLeft) switch
        {
            ({ } budget, { } attempt) => budget <= attempt ? (budget, true) : (attempt, false),
            ({ } budget, null) => (budget, true),
            (null, { } attempt) => (attempt, false),
            _ => null,
        };
    }

    private static AttemptLog? LogOf(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(LogKey, out var log) ? log : null;

    private static long Later(long timestamp, TimeSpan span, TimeProvider timeProvider)
    {
        var ticks = span.TotalSeconds * timeProvider.TimestampFrequency;
        return ticks >= long.MaxValue - timestamp ? long.MaxValue : timestamp + (long)ticks;
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

    /// <summary>
    /// Attempts follow one another, so only the pipeline writes; the attempt's end is also read by connect steps on
    /// other threads.
    /// </summary>
    private sealed class AttemptLog
    {
        private long _attemptEnds = long.MaxValue;

        public bool Sent { get; set; }

        public int Attempts { get; private set; }

        public bool CutByAttemptTimeout { get; private set; }

        /// <summary>When the attempt under way will be cut, as a <see cref="TimeProvider.GetTimestamp"/> value.</summary>
        public long AttemptEnds => Volatile.Read(ref _attemptEnds);

        public void Begin(long attemptEnds, bool cutByAttemptTimeout)
        {
            Attempts++;
            CutByAttemptTimeout = cutByAttemptTimeout;
            Volatile.Write(ref _attemptEnds, attemptEnds);
        }
    }
}
