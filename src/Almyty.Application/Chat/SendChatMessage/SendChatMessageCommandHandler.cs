using Almyty.Application.Gateways;
using Almyty.Domain.Common;
using Almyty.Domain.Usage;
using Mediator;

namespace Almyty.Application.Chat.SendChatMessage;

public sealed class SendChatMessageCommandHandler(
    ChatCallResolver resolver,
    ChatExchangeRecorder recorder,
    ILlmGateway gateway) : ICommandHandler<SendChatMessageCommand, Result<ChatResponse>>
{
    public async ValueTask<Result<ChatResponse>> Handle(SendChatMessageCommand command, CancellationToken cancellationToken)
    {
        var resolved = await resolver.ResolveAsync(command, cancellationToken);
        if (!resolved.IsSuccess)
        {
            return resolved.Error;
        }

        var call = resolved.Value;
        ChatOutcome outcome;
        try
        {
            outcome = await gateway.CompleteAsync(call.Request, cancellationToken);
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

        var completion = outcome.Completion!;
        var (cost, priced) = await recorder.RecordUsageAsync(call, completion.Model, completion.InputTokens, completion.OutputTokens, UsageRecord.SuccessOutcome, completion.Elapsed);
        if (await recorder.AppendTurnAsync(call, completion.Content, completion.InputTokens, completion.OutputTokens, cost) is { } appendFailure)
        {
            return appendFailure;
        }

        return ChatExchangeRecorder.ToResponse(call, completion, cost, priced);
    }
}
