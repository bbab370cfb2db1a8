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

    public static IResult ToResult(this Error error) => TypedResults.Json(ToEnvelope(error), statusCode: StatusCodeOf(error));

    public static IResult Problem(int statusCode, string code, string message, IReadOnlyList<FieldError>? fields = null) =>
        TypedResults.Json(new ErrorEnvelope(message, code, statusCode) { Errors = fields }, statusCode: statusCode);

    public static IResult Validation(string field, string message) =>
        Problem(StatusCodes.Status400BadRequest, ErrorCodes.Validation, message, [new FieldError(field, message)]);
}
