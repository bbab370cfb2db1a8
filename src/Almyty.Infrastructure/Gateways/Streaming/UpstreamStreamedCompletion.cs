using System.Runtime.CompilerServices;
using System.Text.Json;
using Almyty.Application.Gateways;

namespace Almyty.Infrastructure.Gateways.Streaming;

/// <summary>
/// A provider's streamed answer, relayed event by event as its bytes arrive. It owns the upstream response: the
/// connection closes when it is disposed, which is how a caller who leaves cancels the call at the provider.
/// Each wait for the provider's bytes is bounded by the call's timeout (an idle bound, reset by every read, so a
/// long stream that keeps sending is never cut, and stopped between reads, so a caller slow to take the events does
/// not count against the provider) and is added to the request's <see cref="UpstreamTimer"/>.
/// </summary>
internal sealed class UpstreamStreamedCompletion(
    UpstreamResponse upstream,
    ChatStreamParser parser,
    ChatCompletionRequest request,
    long maxBytes,
    UpstreamCaller caller,
    UpstreamTimer timer,
    TimeProvider timeProvider,
    CancellationToken callerToken) : IStreamedCompletion
{
    private long _ended;
    private int _disposed;

    public string? ReportedModel => parser.Model;

    public int? InputTokens => parser.InputTokens;

    public int? OutputTokens => parser.OutputTokens;

    public TimeSpan Elapsed => _ended != 0
        ? timeProvider.GetElapsedTime(upstream.Started, _ended)
        : timeProvider.GetElapsedTime(upstream.Started);

    public async IAsyncEnumerable<ChatStreamEvent> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The budget is linked to the token the call was opened with; a different token given here cancels it too.
        using var link = cancellationToken.CanBeCanceled && cancellationToken != callerToken
            ? cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), upstream.Budget)
            : default;
        var mediaType = upstream.Response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            // A server that ignored "stream": the whole answer came as one JSON body.
            foreach (var item in await ReadWholeAsync(cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        if (mediaType is not null && !mediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            yield return Fault(UpstreamFailureKind.InvalidResponse, $"The provider answered with {mediaType}, not an event stream.");
            yield break;
        }

        // The idle bound restarts before every read of the provider's bytes, whatever they turn out to be, and stops
        // when the read returns: while the relay waits for a slow caller to take an event, the provider is not silent.
        using var reader = new SseReader(
            await OpenBodyAsync(),
            maxBytes,
            beforeRead: () => upstream.Budget.CancelAfter(request.Timeout),
            afterRead: () => upstream.Budget.CancelAfter(Timeout.InfiniteTimeSpan));
        while (true)
        {
            var next = await NextAsync(reader, cancellationToken);
            yield return next;
            if (next is not ChatStreamDelta)
            {
                yield break;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            upstream.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task<Stream> OpenBodyAsync()
    {
        // The content stream of a ResponseHeadersRead answer is already there; this does not wait for the provider.
        return await upstream.Response.Content.ReadAsStreamAsync(upstream.Budget.Token);
    }

    /// <summary>Reads events until one is worth relaying: a piece of text, the end, or a failure.</summary>
    private async ValueTask<ChatStreamEvent> NextAsync(SseReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var waiting = timeProvider.GetTimestamp();
                bool read;
                try
                {
                    read = await reader.ReadEventAsync(upstream.Budget.Token);
                }
                finally
                {
                    timer.Add(timeProvider.GetElapsedTime(waiting));
                }

                if (!read)
                {
                    return Dropped();
                }

                if (reader.Data.IsEmpty)
                {
                    // An event of an empty `data:` line carries nothing: a keep-alive of some compatible servers and proxies.
                    continue;
                }

                switch (parser.Read(reader.Data))
                {
                    case StreamStep.Delta:
                        return new ChatStreamDelta(parser.Delta!);
                    case StreamStep.Done:
                        return End();
                    case StreamStep.Error:
                        return Fault(parser.ErrorKind, SecretRedactor.Redact(parser.ErrorMessage, request.ApiKey));
                    default:
                        continue;
                }
            }
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Silent after its finish reason, the provider has given the whole answer; only the end marker is missing.
            return parser.CanEndWithoutClosingEvent
                ? End()
                : Fault(UpstreamFailureKind.Timeout, $"The provider sent nothing for {request.Timeout.TotalSeconds:0.###} s in the middle of its answer.");
        }
        catch (SseTooLargeException)
        {
            return Fault(UpstreamFailureKind.InvalidResponse, $"The answer is larger than the limit of {maxBytes} bytes.");
        }
        catch (Exception exception) when (UpstreamCaller.IsUndecodable(exception))
        {
            return Fault(UpstreamFailureKind.InvalidResponse, UpstreamCaller.UndecodableMessage);
        }
        catch (Exception exception) when (reader.EndedMidLine && (exception is JsonException || WireJson.IsInvalidText(exception)))
        {
            // The last line was cut off with the connection, not written wrong.
            return Dropped();
        }
        catch (JsonException)
        {
            return Fault(UpstreamFailureKind.InvalidResponse, "The stream carried an event that is not valid JSON.");
        }
        catch (Exception exception) when (WireJson.IsInvalidText(exception))
        {
            return Fault(UpstreamFailureKind.InvalidResponse, "The stream carried a value that cannot be read (a string that is not valid Unicode, say).");
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            return Dropped();
        }
    }

    /// <summary>
    /// The connection ended without the end marker, cleanly or not: after the provider's finish reason the answer is
    /// whole (only the marker, and perhaps the usage that follows the finish, are missing); before it, the answer broke.
    /// </summary>
    private ChatStreamEvent Dropped() =>
        parser.CanEndWithoutClosingEvent
            ? End()
            : Fault(UpstreamFailureKind.ConnectionFailed, $"{upstream.Host} closed the connection in the middle of its answer.");

    /// <summary>The whole answer of a server that did not stream, relayed as one piece and the end.</summary>
    private async Task<ChatStreamEvent[]> ReadWholeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var waiting = timeProvider.GetTimestamp();
            (UpstreamSuccess? Success, UpstreamFailure? Failure) read;
            try
            {
                read = await caller.ReadBodyAsync(upstream, request.Timeout, cancellationToken.CanBeCanceled ? cancellationToken : callerToken);
            }
            finally
            {
                timer.Add(timeProvider.GetElapsedTime(waiting));
            }

            var (success, failure) = read;
            if (failure is not null)
            {
                return [new ChatStreamFault(failure)];
            }

            using (success)
            {
                var outcome = WireJson.ParseAnswer(success!, request, parser.ParseWhole);
                _ended = timeProvider.GetTimestamp();
                if (outcome.Failure is { } invalid)
                {
                    return [new ChatStreamFault(invalid)];
                }

                var completion = outcome.Completion!;
                var end = new ChatStreamEnd(completion.Model, completion.FinishReason, completion.InputTokens, completion.OutputTokens, completion.Elapsed);
                return completion.Content.Length == 0 ? [end] : [new ChatStreamDelta(completion.Content), end];
            }
        }
        catch (OperationCanceledException) when (callerToken.IsCancellationRequested || cancellationToken.IsCancellationRequested)
        {
            throw;
        }
    }

    private ChatStreamEnd End()
    {
        _ended = timeProvider.GetTimestamp();
        return new ChatStreamEnd(parser.Model ?? request.Model, parser.FinishReason ?? "unknown", parser.InputTokens, parser.OutputTokens, Elapsed);
    }

    private ChatStreamFault Fault(UpstreamFailureKind kind, string message)
    {
        _ended = timeProvider.GetTimestamp();
        return new ChatStreamFault(caller.StreamFailure(kind, message, Elapsed, upstream.Host));
    }
}
