namespace Almyty.Infrastructure.Gateways;

/// <summary><c>Gateways__*</c>: limits and the resilience policy of the outbound provider calls.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateways";

    /// <summary>Upstream answers larger than this are refused (default 10 MB).</summary>
    public long MaxResponseBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Retries after the first attempt, on 408, 429, 5xx, network errors and attempt timeouts.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    /// <summary>The first backoff; later ones grow exponentially, with jitter.</summary>
    public int RetryBaseDelayMilliseconds { get; set; } = 250;

    /// <summary>A 429 whose Retry-After is longer than this is not waited out: it is passed on to the caller.</summary>
    public int MaxRetryAfterSeconds { get; set; } = 10;

    /// <summary>The longest one attempt may take; the provider's timeoutSeconds bounds all attempts together.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 120;

    public double CircuitFailureRatio { get; set; } = 0.5;

    public int CircuitMinimumThroughput { get; set; } = 10;

    public int CircuitSamplingSeconds { get; set; } = 30;

    public int CircuitBreakSeconds { get; set; } = 15;
}
