using Almyty.Domain.Common;

namespace Almyty.Application.Gateways;

/// <summary>The contract's mapping of upstream outcomes to our errors (chat) and to connection-test codes.</summary>
public static class UpstreamErrors
{
    public const string ProviderAuthFailed = "PROVIDER_AUTH_FAILED";
    public const string ProviderRejected = "PROVIDER_REJECTED";
    public const string ProviderRateLimited = "PROVIDER_RATE_LIMITED";
    public const string ProviderTimeout = "PROVIDER_TIMEOUT";
    public const string ProviderUnavailable = "PROVIDER_UNAVAILABLE";
    public const string ProviderInvalidResponse = "PROVIDER_INVALID_RESPONSE";

    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(5);

    public static Error ToError(this UpstreamFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Kind switch
        {
            UpstreamFailureKind.AuthFailed => Upstream(ProviderAuthFailed, "The provider refused the API key: " + failure.Message),
            UpstreamFailureKind.ModelNotFound or UpstreamFailureKind.Rejected => Upstream(ProviderRejected, "The provider rejected the request: " + failure.Message),
            UpstreamFailureKind.RateLimited => new Error(ProviderRateLimited, "The provider is rate limiting this key: " + failure.Message, ErrorKind.RateLimited)
            {
                // Every 429 of ours says when to come back; when the provider did not, a short default stands in.
                RetryAfter = failure.RetryAfter ?? DefaultRetryAfter,
            },
            UpstreamFailureKind.Timeout => new Error(ProviderTimeout, "The provider did not answer in time: " + failure.Message, ErrorKind.Timeout),
            UpstreamFailureKind.EgressBlocked => new Error(ErrorCodes.EgressBlocked, failure.Message, ErrorKind.Validation) { Fields = [new FieldError("baseUrl", failure.Message)] },
            UpstreamFailureKind.InvalidResponse => Upstream(ProviderInvalidResponse, "The provider's answer could not be used: " + failure.Message),
            // A 5xx's own Retry-After, or the time until an open circuit lets calls through again; no hint otherwise.
            _ => new Error(ProviderUnavailable, "The provider is unavailable: " + failure.Message, ErrorKind.Unavailable) { RetryAfter = failure.RetryAfter },
        };
    }

    /// <summary>The code a connection test reports.</summary>
    public static string ToTestCode(this UpstreamFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return failure.Kind switch
        {
            UpstreamFailureKind.AuthFailed => "AUTH_FAILED",
            UpstreamFailureKind.ModelNotFound => "MODEL_NOT_FOUND",
            UpstreamFailureKind.RateLimited => "RATE_LIMITED",
            UpstreamFailureKind.Timeout => "TIMEOUT",
            UpstreamFailureKind.ConnectionFailed => "CONNECTION_FAILED",
            UpstreamFailureKind.EgressBlocked => "EGRESS_BLOCKED",
            UpstreamFailureKind.InvalidResponse => "INVALID_RESPONSE",
            _ => "UPSTREAM_ERROR",
        };
    }

    private static Error Upstream(string code, string message) => new(code, message, ErrorKind.Upstream);
}
