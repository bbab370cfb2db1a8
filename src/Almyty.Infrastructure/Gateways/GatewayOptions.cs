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

    /// <summary>The longest the connect step (DNS, egress check, TCP connect) may take; then it is a connection failure.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>The longest one attempt may take; the provider's timeoutSeconds bounds all attempts together.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 120;

    public double CircuitFailureRatio { get; set; } = 0.5;

    public int CircuitMinimumThroughput { get; set; } = 10;

    public int CircuitSamplingSeconds { get; set; } = 30;

    public int CircuitBreakSeconds { get; set; } = 15;
}

internal sealed class GatewayOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<GatewayOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        Check(options.MaxResponseBytes >= 1024, "Gateways__MaxResponseBytes must be at least 1024.");
        Check(options.MaxRetryAttempts is >= 0 and <= 10, "Gateways__MaxRetryAttempts must be between 0 and 10.");
        Check(options.RetryBaseDelayMilliseconds is >= 1 and <= 60_000, "Gateways__RetryBaseDelayMilliseconds must be between 1 and 60000.");
        Check(options.MaxRetryAfterSeconds is >= 0 and <= 600, "Gateways__MaxRetryAfterSeconds must be between 0 and 600.");
        Check(options.ConnectTimeoutSeconds is >= 1 and <= 120, "Gateways__ConnectTimeoutSeconds must be between 1 and 120.");
        Check(options.AttemptTimeoutSeconds is >= 1 and <= 600, "Gateways__AttemptTimeoutSeconds must be between 1 and 600.");
        Check(options.CircuitFailureRatio is > 0 and <= 1, "Gateways__CircuitFailureRatio must be above 0 and at most 1.");
        Check(options.CircuitMinimumThroughput >= 2, "Gateways__CircuitMinimumThroughput must be at least 2.");
        Check(options.CircuitSamplingSeconds is >= 1 and <= 3600, "Gateways__CircuitSamplingSeconds must be between 1 and 3600.");
        Check(options.CircuitBreakSeconds is >= 1 and <= 3600, "Gateways__CircuitBreakSeconds must be between 1 and 3600.");
        return failures.Count == 0 ? Microsoft.Extensions.Options.ValidateOptionsResult.Success : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(failures);

        void Check(bool condition, string failure)
        {
            if (!condition)
            {
                failures.Add(failure);
            }
        }
    }
}
