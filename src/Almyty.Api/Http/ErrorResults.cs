using Almyty.Domain.Common;

namespace Almyty.Api.Http;

/// <summary>The one place where an <see cref="Error"/> becomes an HTTP status and the error body.</summary>
public static class ErrorResults
{
    public static int StatusCodeOf(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Kind switch
        {
            ErrorKind.Validation => StatusCodes.Status400BadRequest,
            ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
            ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            ErrorKind.NotFound => StatusCodes.Status404NotFound,
            ErrorKind.Conflict => StatusCodes.Status409Conflict,
            ErrorKind.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
            ErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
            ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            ErrorKind.Timeout => StatusCodes.Status504GatewayTimeout,
            _ => StatusCodes.Status502BadGateway,
        };
    }

    public static ErrorEnvelope ToEnvelope(Error error)
    {
        var status = StatusCodeOf(error);
        return new ErrorEnvelope(error.Message, error.Code, status)
        {
            Errors = error.Kind == ErrorKind.Validation ? error.Fields : null,
        };
    }

    public static IResult ToResult(this Error error)
    {
        var result = TypedResults.Json(ToEnvelope(error), statusCode: StatusCodeOf(error));
        return error.RetryAfter is { } retryAfter ? new WithRetryAfter(result, retryAfter) : result;
    }

    /// <summary>Passes a provider's Retry-After on to the caller, in whole seconds, rounded up; a wait of 0 stays 0.</summary>
    private sealed class WithRetryAfter(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(0, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }

    public static IResult Problem(int statusCode, string code, string message, IReadOnlyList<FieldError>? fields = null) =>
        TypedResults.Json(new ErrorEnvelope(message, code, statusCode) { Errors = fields }, statusCode: statusCode);

    public static IResult Validation(string field, string message) =>
        Problem(StatusCodes.Status400BadRequest, ErrorCodes.Validation, message, [new FieldError(field, message)]);
}
