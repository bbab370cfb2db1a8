using Almyty.Application.Chat.SendChatMessage;
using Almyty.Application.Common;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Application.Gateways;
using Almyty.Application.Usage;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Usage;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Chat;

/// <summary>
/// What a chat call leaves behind, streamed or not: one usage record (priced, added to the provider's totals) and,
/// for a session, the exchange appended under the session's row lock.
/// </summary>
public sealed class ChatExchangeRecorder(
    IAlmytyDbContext db,
    ICurrentPrincipal principal,
    IPriceCatalog prices,
    IUsageRecorder usage,
    SessionAppendGate appendGate,
    TimeProvider timeProvider)
{
    private const int MaxAppendAttempts = 3;

    /// <summary>
    /// Prices and records one upstream call with whatever the provider reported. It is saved without the caller's
    /// token: the provider has been called (and may have billed), so a caller who leaves does not lose the record.
    /// </summary>
    public async Task<(decimal Cost, bool Priced)> RecordUsageAsync(
        ChatCall call,
        string? reportedModel,
        int? inputTokens,
        int? outputTokens,
        string outcome,
        TimeSpan? elapsed)
    {
        ArgumentNullException.ThrowIfNull(call);
        var provider = call.Provider;
        var (cost, priced) = UsagePricing.Price(prices, provider.Configuration, reportedModel, call.Request.Model, inputTokens, outputTokens);
        var record = UsageRecord.Create(
            timeProvider.NewId(),
            provider.OrganizationId,
            provider.Id,
            call.SessionId,
            reportedModel ?? call.Request.Model,
            inputTokens,
            outputTokens,
            cost,
            priced,
            outcome,
            (int)(elapsed?.TotalMilliseconds ?? 0),
            timeProvider.GetUtcNow());
        await usage.RecordAsync(record, CancellationToken.None);
        return (cost, priced);
    }

    /// <summary>A call whose caller left before the answer: the request was sent, so it counts.</summary>
    public Task RecordCancelledAsync(ChatCall call) => RecordUsageAsync(call, null, null, null, ChatOutcomes.Cancelled, null);

    /// <summary>The error for a call the provider did not answer, recorded as usage when the request had gone out.</summary>
    public async Task<Error> RecordFailureAsync(ChatCall call, UpstreamFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var error = failure.ToError();
        if (failure.Sent)
        {
            await RecordUsageAsync(call, null, null, null, error.Code, failure.Elapsed);
        }

        return error;
    }

    /// <summary>
    /// Stores the exchange under the session's row lock: concurrent appends to one session queue up (first at the
    /// gate, without a connection, then at the lock across instances) and each takes the next two places. A conflict
    /// (a serialization failure under load) is retried.
    /// Null when stored (or when the call has no session).
    /// </summary>
    public async Task<Error?> AppendTurnAsync(ChatCall call, string reply, int? inputTokens, int? outputTokens, decimal cost)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.SessionId is not { } sessionId)
        {
            return null;
        }

        var provider = call.Provider;
        var tokens = (long)(inputTokens ?? 0) + (outputTokens ?? 0);
        using var turn = await appendGate.EnterAsync(sessionId, CancellationToken.None);
        for (var attempt = 1; attempt <= MaxAppendAttempts; attempt++)
        {
            // The provider has answered and billed: a caller who leaves now still gets the exchange stored.
            await using var transaction = await db.BeginTransactionAsync(CancellationToken.None);
            var session = await db.LockSessionAsync(sessionId, CancellationToken.None);
            if (session is null && call.SessionExisted)
            {
                // Deleted while the provider was answering: starting it again would bring back half a conversation.
                return SessionErrors.DeletedDuringChat(sessionId);
            }

            if (session is null)
            {
                // Created by the first message; two first messages at once both get here, and both find one session.
                await db.StartSessionIfAbsentAsync(
                    ChatSession.Start(sessionId, principal.OrganizationId!, provider.Id, null, null, timeProvider.GetUtcNow()),
                    CancellationToken.None);
                session = await db.LockSessionAsync(sessionId, CancellationToken.None);
                if (session is null)
                {
                    // The id was taken by another organization in the meantime.
                    return ChatErrors.SessionNotFound(sessionId);
                }
            }

            if (session.ProviderId != provider.Id)
            {
                return ChatErrors.SessionOfAnotherProvider(sessionId);
            }

            // PostgreSQL text cannot hold NUL, which a provider's reply may carry; the caller still gets the reply as sent.
            var storedReply = reply.Replace('\0', '\uFFFD');
            var (user, assistant) = session.AppendTurn(timeProvider.NewId(), call.UserMessage, timeProvider.NewId(), storedReply, tokens, cost, timeProvider.GetUtcNow());
            db.ChatMessages.Add(user);
            db.ChatMessages.Add(assistant);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
                return null;
            }
            catch (Exception exception) when (exception is DbUpdateConcurrencyException or DuplicateKeyException or ConcurrencyConflictException)
            {
                db.ClearChanges();
            }
        }

        return ChatErrors.SessionBusy(sessionId);
    }

    /// <summary>The chat answer, the same for a plain call's <c>data</c> and a stream's <c>done</c> event.</summary>
    public static ChatResponse ToResponse(ChatCall call, ChatCompletion completion, decimal cost, bool priced)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(completion);
        long? total = completion.InputTokens is null && completion.OutputTokens is null ? null : (long)(completion.InputTokens ?? 0) + (completion.OutputTokens ?? 0);
        return new ChatResponse(
            call.SessionId,
            new ChatResponseMessage(ChatRoles.Assistant, completion.Content),
            completion.Model,
            completion.FinishReason,
            new ChatUsage(completion.InputTokens, completion.OutputTokens, total, total is not null),
            cost,
            priced,
            (int)completion.Elapsed.TotalMilliseconds);
    }
}
