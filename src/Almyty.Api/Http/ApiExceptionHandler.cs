using System.Text.Json;
using Almyty.Domain.Common;
using Almyty.Infrastructure.Persistence;
using Microsoft.AspNetCore.Diagnostics;

namespace Almyty.Api.Http;

/// <summary>
/// Turns what escapes the endpoints into the error envelope. Request faults (bad JSON, wrong media type, too large)
/// are the client's 4xx; a database that cannot serve now is a 503; anything else is a 500. No exception's text ever
/// reaches the client.
/// </summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>Valid JSON that is not an object: an array, a string, a number, or <c>null</c> where a body is optional.</summary>
    internal const string BodyNotAnObject = "The request body must be a JSON object.";

    internal const string DatabaseUnavailable = "The database cannot be reached at the moment. Try again shortly.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            httpContext.Response.StatusCode = 499;
            return true;
        }

        var envelope = Classify(exception);
        if (envelope.StatusCode >= 500)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = envelope.StatusCode;
        await httpContext.Response.WriteAsJsonAsync(envelope, cancellationToken);
        return true;
    }

    internal static ErrorEnvelope Classify(Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return new ErrorEnvelope("The request body is too large.", ErrorCodes.PayloadTooLarge, StatusCodes.Status413PayloadTooLarge);
            case BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType }:
                return new ErrorEnvelope("The request body must be JSON (Content-Type: application/json).", ErrorCodes.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType);
            case BadHttpRequestException { InnerException: JsonException json }:
                return InvalidJson(json);
            case JsonException json:
                return InvalidJson(json);
            case BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase):
                return Validation("body", "A JSON request body is required.");
            case BadHttpRequestException bad when bad.StatusCode < 500:
                return new ErrorEnvelope("The request is malformed.", ErrorCodes.Validation, StatusCodes.Status400BadRequest);
            case var fault when DatabaseFaults.IsUnavailable(fault):
                return new ErrorEnvelope(DatabaseUnavailable, ErrorCodes.ServiceUnavailable, StatusCodes.Status503ServiceUnavailable);
            default:
                return new ErrorEnvelope("An unexpected error occurred. It has been logged.", ErrorCodes.Internal, StatusCodes.Status500InternalServerError);
        }
    }

    private static ErrorEnvelope InvalidJson(JsonException exception)
    {
        var field = JsonFieldPath(exception);
        string message;
        if (exception.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            message = $"'{field}' is not a known field.";
        }
        else if (exception.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            message = $"'{field}' appears more than once.";
        }
        else if (exception.GetType() != typeof(JsonException) || exception.InnerException is JsonException || exception.Path is null)
        {
            // The reader's own exception type, thrown or wrapped with the member it was in: the text is not JSON.
            field = "body";
            message = "The request body is not valid JSON.";
        }
        else if (exception.Path == "$")
        {
            // Valid JSON that cannot become the request at all: an array, a string, a number.
            field = "body";
            message = BodyNotAnObject;
        }
        else
        {
            message = $"'{field}' has the wrong type or an invalid value.";
        }

        return Validation(field, message);
    }

    /// <summary>Where inside a member read as a value of its own (an <c>Optional</c> list) the reader failed: <c>[1]</c>.</summary>
    internal const string InnerJsonPathKey = "Almyty.InnerJsonPath";

    /// <summary>The client's own name for the member: <c>$.configuration.temperature</c> becomes <c>configuration.temperature</c>.</summary>
    internal static string JsonFieldPath(JsonException exception)
    {
        var path = exception.Path + (exception.Data[InnerJsonPathKey] as string);
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        path = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return path.Replace("['", ".", StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal).TrimStart('.');
    }

    private static ErrorEnvelope Validation(string field, string message) =>
        new(message, ErrorCodes.Validation, StatusCodes.Status400BadRequest) { Errors = [new FieldError(field, message)] };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, PathString path);
}
