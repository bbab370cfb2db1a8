using System.Runtime.CompilerServices;
using System.Text;
using Almyty.Application.Gateways;
using Almyty.Domain.Common;
using Almyty.Domain.Usage;
using Mediator;

namespace Almyty.Application.Chat.StreamChatMessage;

public sealed class StreamChatMessageCommandHandler(
    ChatCallResolver resolver,
    ChatExchangeRecorder recorder,
    ILlmGateway gateway) : ICommandHandler<StreamChatMessageCommand, Result<ChatStreamResponse>>
{
    public async ValueTask<Result<ChatStreamResponse>> Handle(StreamChatMessageCommand command, CancellationToken cancellationToken)
    {
        var resolved = await resolver.ResolveAsync(command, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var call = resolved.Value;
        ChatStreamOutcome outcome;
        try
        {
            outcome = await gateway.StreamAsync(call.Request, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await recorder.RecordCancelledAsync(call);
            throw;
        }

        if (outcome.Failure is { } failure)
        {
            return await recorder.RecordFailureAsync(call, failure);
        }

        return new ChatStreamResponse(RelayAsync(call, outcome.Stream!, cancellationToken));
    }

    /// <summary>
    /// Relays the provider's pieces as they come. At the end it records usage exactly once, with what the provider
    /// reported (also when the caller leaves or the stream breaks), and appends the exchange only when the stream completed.
    /// </summary>
    private async IAsyncEnumerable<ChatEvent> RelayAsync(ChatCall call, IStreamedCompletion stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var upstream = stream;
        var reply = new StringBuilder();
        var recorded = false;
        try
        {
            await foreach (var item in stream.ReadAsync(cancellationToken))
            {
                switch (item)
                {
                    case ChatStreamDelta delta:
                        reply.Append(delta.Content);
                        yield return new ChatDeltaEvent(delta.Content);
                        break;

                    case ChatStreamEnd end:
                        recorded = true;
                        var completion = new ChatCompletion(reply.ToString(), end.Model, end.FinishReason, end.InputTokens, end.OutputTokens, end.Elapsed);
                        var (cost, priced) = await recorder.RecordUsageAsync(call, end.Model, end.InputTokens, end.OutputTokens, UsageRecord.SuccessOutcome, end.Elapsed);
                        var appendFailure = await recorder.AppendTurnAsync(call, completion.Content, completion.InputTokens, completion.OutputTokens, cost);
                        yield return appendFailure is null
                            ? new ChatDoneEvent(ChatExchangeRecorder.ToResponse(call, completion, cost, priced))
                            : new ChatErrorEvent(appendFailure);
                        yield break;

                    case ChatStreamFault fault:
                        recorded = true;
                        var error = fault.Failure.ToError();
                        await recorder.RecordUsageAsync(call, stream.ReportedModel, stream.InputTokens, stream.OutputTokens, error.Code, fault.Failure.Elapsed);
                        yield return new ChatErrorEvent(error);
                        yield break;
                }
            }
        }
        finally
        {
            if (!recorded)
            {
                // The caller went away (or stopped reading) before the end. The request was sent and the provider may
                // have billed part of it: it counts, with whatever usage the provider had reported.
                await recorder.RecordUsageAsync(call, stream.ReportedModel, stream.InputTokens, stream.OutputTokens, ChatOutcomes.Cancelled, stream.Elapsed);
            }
        }
    }
}
