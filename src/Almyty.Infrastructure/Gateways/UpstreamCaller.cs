using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Almyty.Infrastructure.Gateways;

/// <summary>A provider's error body, read into its message and whether it says the model does not exist.</summary>
internal delegate (string? Message, bool ModelNotFound) UpstreamErrorReader(JsonElement body);

internal sealed record UpstreamSuccess(JsonDocument Body, TimeSpan Elapsed) : IDisposable
{
    public void Dispose() => Body.Dispose();
}

/// <summary>
/// A 2xx whose body has not been read, with the call's time budget (linked to the caller's token) still running.
/// Disposing it closes the connection.
/// </summary>
internal sealed class UpstreamResponse(HttpResponseMessage response, CancellationTokenSource budget, long started, string host) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public CancellationTokenSource Budget { get; } = budget;

    /// <summary>The timestamp the call was sent at (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long Started { get; } = started;

    public string Host { get; } = host;

    public void Dispose()
    {
        Response.Dispose();
        Budget.Dispose();
    }
}

/// <summary>
/// Sends one request through a typed client's resilience pipeline within the caller's time budget, reads the answer
/// within the size cap, and turns every way it can go wrong into a classified <see cref="UpstreamFailure"/>.
/// </summary>
internal sealed partial class UpstreamCaller(IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<UpstreamCaller> logger)
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    public async Task<(UpstreamSuccess? Success, UpstreamFailure? Failure)> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        string apiKey,
        UpstreamErrorReader readError,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var (opened, failure) = await OpenAsync(client, request, apiKey, readError, timeout, cancellationToken);
        if (failure is not null)
        {
            return (null, failure);
        }

        using (opened)
        {
            return await ReadBodyAsync(opened!, timeout, cancellationToken);
        }
    }

    /// <summary>Reads an opened 2xx answer whole, as JSON, within the size cap and what is left of the time budget.</summary>
    public async Task<(UpstreamSuccess? Success, UpstreamFailure? Failure)> ReadBodyAsync(UpstreamResponse opened, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(opened);
        var (response, started, host) = (opened.Response, opened.Started, opened.Host);
        var status = (int)response.StatusCode;
        try
        {
            var body = await ReadCappedAsync(response, options.Value.MaxResponseBytes, opened.Budget.Token);
            if (body is null)
            {
                return (null, Fail(UpstreamFailureKind.InvalidResponse, $"The answer is larger than the limit of {options.Value.MaxResponseBytes} bytes.", status, null, Elapsed(started), host));
            }

            try
            {
                return (new UpstreamSuccess(JsonDocument.Parse(WithoutByteOrderMark(body)), Elapsed(started)), null);
            }
            catch (JsonException)
            {
                return (null, Fail(UpstreamFailureKind.InvalidResponse, "The answer is not valid JSON.", status, null, Elapsed(started), host));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (IsUndecodable(exception))
        {
            return (null, Fail(UpstreamFailureKind.InvalidResponse, UndecodableMessage, status, null, Elapsed(started), host));
        }
        catch (Exception exception) when (IsUpstreamException(exception))
        {
            return (null, FromException(exception, NoAnswerWithin(timeout), host, wentOut: true));
        }
    }

    /// <summary>
    /// Sends the request and waits for the response headers only, within the time budget. A 2xx comes back open, with
    /// the budget still running (the caller decides how the body is bounded); anything else comes back classified.
    /// </summary>
    public async Task<(UpstreamResponse? Response, UpstreamFailure? Failure)> OpenAsync(
        HttpClient client,
        HttpRequestMessage request,
        string apiKey,
        UpstreamErrorReader readError,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var host = request.RequestUri?.Authority ?? "?";
        if (!ProviderRules.IsSendableApiKey(apiKey))
        {
            // Stored before keys were checked for this. Not sent, so neither retried, nor counted, nor the host's fault.
            return (null, Fail(UpstreamFailureKind.AuthFailed, UnsendableKeyMessage, null, null, TimeSpan.Zero, host, sent: false));
        }

        var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(timeout);
        var started = timeProvider.GetTimestamp();
        UpstreamRetry.SetDeadline(request, started, timeout, timeProvider); // no retry is made whose wait outlasts the budget
        UpstreamAttempts.Start(request);
        HttpResponseMessage? response = null;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, budget.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                var opened = new UpstreamResponse(response, budget, started, host);
                response = null;
                budget = null;
                return (opened, null);
            }

            byte[]? errorBody;
            try
            {
                errorBody = await ReadCappedAsync(response, MaxErrorBodyBytes, budget.Token, truncate: true);
            }
            catch (Exception exception) when (IsUndecodable(exception))
            {
                // The status says what happened; a body that cannot be decoded only loses the provider's wording.
                errorBody = null;
            }

            var (message, modelNotFound) = ParseError(errorBody, readError, status);
            message = SecretRedactor.Redact(message, apiKey);
            var elapsed = Elapsed(started);
            return (null, status switch
            {
                401 or 403 => Fail(UpstreamFailureKind.AuthFailed, message, status, null, elapsed, host),
                404 => Fail(UpstreamFailureKind.ModelNotFound, message, status, null, elapsed, host),
                408 => Fail(UpstreamFailureKind.Timeout, message, status, null, elapsed, host),
                429 => Fail(UpstreamFailureKind.RateLimited, message, status, RetryAfterOf(response, timeProvider), elapsed, host),
                >= 500 => Fail(UpstreamFailureKind.ServerError, message, status, RetryAfterOf(response, timeProvider), elapsed, host),
                >= 300 and < 400 => Fail(UpstreamFailureKind.InvalidResponse, SecretRedactor.Redact($"The provider answered with a redirect ({status}{LocationOf(response)}), which is not followed.", apiKey), status, null, elapsed, host),
                _ when modelNotFound => Fail(UpstreamFailureKind.ModelNotFound, message, status, null, elapsed, host),
                _ => Fail(UpstreamFailureKind.Rejected, message, status, null, elapsed, host),
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (IsUpstreamException(exception))
        {
            return (null, FromException(exception, TimedOut(request, exception, timeout, budgetRanOut: budget?.IsCancellationRequested == true), host, UpstreamAttempts.WentOut(request, exception)));
        }
        finally
        {
            response?.Dispose();
            budget?.Dispose();
        }
    }

    /// <summary>
    /// A failure while reading a streamed answer that had started: a stall longer than the idle bound, a dropped
    /// connection. Logged like every other failure.
    /// </summary>
    public UpstreamFailure StreamFailure(UpstreamFailureKind kind, string message, TimeSpan elapsed, string host) =>
        Fail(kind, message, 200, null, elapsed, host);

    private static bool IsUpstreamException(Exception exception) =>
        exception is OperationCanceledException or TimeoutRejectedException or BrokenCircuitException or HttpRequestException or IOException;

    /// <summary>The message of a call that ran out of time: the time budget's, unless its last attempt was cut by the attempt timeout first.</summary>
    private string TimedOut(HttpRequestMessage request, Exception exception, TimeSpan timeout, bool budgetRanOut)
    {
        if (exception is TimeoutRejectedException && !budgetRanOut && UpstreamAttempts.LastAttempt(request) is (var attempts, true))
        {
            var attemptTimeout = TimeSpan.FromSeconds(options.Value.AttemptTimeoutSeconds);
            return string.Create(CultureInfo.InvariantCulture, $"No answer within the per-attempt timeout of {attemptTimeout.TotalSeconds:0.###} s ({attempts} {(attempts == 1 ? "attempt" : "attempts")}).");
        }

        return NoAnswerWithin(timeout);
    }

    private static string NoAnswerWithin(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"No answer within {timeout.TotalSeconds:0.###} s.");

    /// <param name="timedOut">The message should it be a timeout.</param>
    /// <param name="wentOut">Whether any attempt reached the provider (see <see cref="UpstreamAttempts"/>).</param>
    private UpstreamFailure FromException(Exception exception, string timedOut, string host, bool wentOut) => exception switch
    {
        _ when EgressConnector.IsEstablishTimeout(exception) =>
            Fail(UpstreamFailureKind.ConnectionFailed, $"The TLS handshake with {host} did not finish in time.", null, null, null, host, wentOut),
        OperationCanceledException or TimeoutRejectedException =>
            Fail(UpstreamFailureKind.Timeout, timedOut, null, null, null, host, wentOut),
        BrokenCircuitException broken =>
            Fail(UpstreamFailureKind.CircuitOpen, $"Calls to {host} are paused after repeated failures (circuit open); try again shortly.", null, broken.RetryAfter, null, host, wentOut),
        HttpRequestException http when ExceptionChain.Find<EgressBlockedException>(http) is { } blocked =>
            Fail(UpstreamFailureKind.EgressBlocked, blocked.Message, null, null, null, host, wentOut),
        HttpRequestException http => Fail(UpstreamFailureKind.ConnectionFailed, DescribeConnectionFailure(http, host), null, null, null, host, wentOut),

        // The headers came, then the connection dropped while the body was read.
        _ => Fail(UpstreamFailureKind.ConnectionFailed, $"{host} closed the connection in the middle of its answer.", null, null, null, host, wentOut),
    };

    private UpstreamFailure Fail(
        UpstreamFailureKind kind,
        string message,
        int? status,
        TimeSpan? retryAfter,
        TimeSpan? elapsed,
        string host,
        bool sent = true)
    {
        LogUpstreamFailure(logger, host, kind, status);
        return new UpstreamFailure(kind, message, status, retryAfter, elapsed, sent);
    }

    private TimeSpan Elapsed(long started) => timeProvider.GetElapsedTime(started);

    internal const string UnsendableKeyMessage =
        "The stored API key has characters an HTTP header cannot carry (only printable ASCII can), so it was not sent; set a new key.";

    internal const string UndecodableMessage = "The answer could not be decoded: its bytes do not match its Content-Encoding.";

    /// <summary>
    /// What the handler's decompression throws when the bytes do not match the <c>Content-Encoding</c>: gzip and deflate
    /// an <see cref="InvalidDataException"/>, Brotli an <see cref="InvalidOperationException"/> of its own.
    /// </summary>
    internal static bool IsUndecodable(Exception exception) =>
        exception is InvalidDataException
        || (exception is InvalidOperationException
            && (exception.TargetSite?.DeclaringType?.Namespace == "System.IO.Compression"
                || exception.StackTrace?.Contains(" System.IO.Compression.", StringComparison.Ordinal) == true));

    /// <summary>The body, or null when it is larger than the cap (or, with <paramref name="truncate"/>, its first bytes).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpResponseMessage response, long cap, CancellationToken cancellationToken, bool truncate = false)
    {
        if (!truncate && response.Content.Headers.ContentLength > cap)
        {
            return null;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > cap)
                {
                    if (!truncate)
                    {
                        return null;
                    }

                    buffer.Write(chunk, 0, (int)(cap - buffer.Length));
                    break;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static (string Message, bool ModelNotFound) ParseError(byte[]? body, UpstreamErrorReader readError, int status)
    {
        if (body is { Length: > 0 })
        {
            try
            {
                using var document = JsonDocument.Parse(WithoutByteOrderMark(body));
                var (message, modelNotFound) = readError(document.RootElement);
                if (!string.IsNullOrWhiteSpace(message))
                {
                    return (message, modelNotFound);
                }
            }
            catch (Exception exception) when (exception is JsonException || WireJson.IsInvalidText(exception))
            {
                // Not JSON (an HTML error page from a proxy, say): a short plain-text excerpt is still useful.
                var text = Encoding.UTF8.GetString(body);
                if (!text.TrimStart().StartsWith('<'))
                {
                    return ($"HTTP {status}: {Characters.Truncate(text, 200)}", false);
                }
            }
        }

        return ($"HTTP {status} {ReasonOf(status)}".TrimEnd(), false);
    }

    /// <summary>JSON must not start with a byte order mark, but a parser may skip one (RFC 8259, 8.1); some servers send it.</summary>
    private static ReadOnlyMemory<byte> WithoutByteOrderMark(byte[] body) =>
        body.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? body.AsMemory(Encoding.UTF8.Preamble.Length) : body;

    private static string ReasonOf(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : string.Empty;

    /// <summary>The longest wait passed on or acted on: no retry waits that long, and a caller told a day knows enough.</summary>
    internal static readonly TimeSpan MaxRetryAfter = TimeSpan.FromDays(1);

    /// <summary>
    /// Retry-After in seconds or as a date, or OpenAI's retry-after-ms, at most <see cref="MaxRetryAfter"/>; null when the
    /// provider gave none that can be read.
    /// </summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return Capped(delta);
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait > TimeSpan.Zero ? Capped(wait) : TimeSpan.Zero;
        }

        if (response.Headers.NonValidated.TryGetValues("Retry-After", out var raw)
            && raw.Count == 1
            && raw.ToString().Trim() is { Length: > 0 } seconds
            && seconds.All(char.IsAsciiDigit))
        {
            // Delay-seconds past what .NET's parser holds (2^31 and over): a wait as long as any.
            return MaxRetryAfter;
        }

        // NaN or a negative wait is no hint.
        return response.Headers.TryGetValues("retry-after-ms", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds)
            && milliseconds >= 0
            ? TimeSpan.FromMilliseconds(Math.Min(milliseconds, MaxRetryAfter.TotalMilliseconds))
            : null;
    }

    private static TimeSpan Capped(TimeSpan wait) => wait < MaxRetryAfter ? wait : MaxRetryAfter;

    /// <summary>Where a redirect pointed, without its query, fragment or user-info (any of which can hold a credential).</summary>
    private static string LocationOf(HttpResponseMessage response) => response.Headers.Location switch
    {
        null => string.Empty,
        { IsAbsoluteUri: true } location => $" to {location.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}",
        var location => $" to {WithoutUserInfo(location.OriginalString.Split('?', '#')[0])}",
    };

    /// <summary>A network-path reference (<c>//user:password@host/path</c>) loses its user-info; other relative forms have none.</summary>
    private static string WithoutUserInfo(string reference)
    {
        if (!reference.StartsWith("//", StringComparison.Ordinal))
        {
            return reference;
        }

        var authorityEnd = reference.IndexOf('/', 2);
        var authority = authorityEnd < 0 ? reference[2..] : reference[2..authorityEnd];
        var at = authority.LastIndexOf('@');
        return at < 0 ? reference : "//" + reference[(2 + at + 1)..];
    }

    private static string DescribeConnectionFailure(HttpRequestException exception, string host)
    {
        if (ExceptionChain.Find<ConnectBudgetSpentException>(exception) is not null)
        {
            return $"Connecting to {host} did not finish within the call's time budget.";
        }

        if (ExceptionChain.Find<SocketException>(exception) is { } socket)
        {
            return socket.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"The host name {host} could not be resolved.",
                SocketError.ConnectionRefused => $"{host} refused the connection.",
                SocketError.TimedOut => $"Connecting to {host} timed out.",
                _ => $"The connection to {host} failed ({socket.SocketErrorCode}).",
            };
        }

        if (ExceptionChain.Find<System.Security.Authentication.AuthenticationException>(exception) is not null)
        {
            return $"The TLS handshake with {host} failed.";
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => $"{host} closed the connection before answering.",
            HttpRequestError.InvalidResponse => $"{host} sent an answer that is not valid HTTP.",
            _ => $"The connection to {host} failed.",
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream call to {Host} failed: {Kind} (HTTP {Status})")]
    private static partial void LogUpstreamFailure(ILogger logger, string host, UpstreamFailureKind kind, int? status);
}
