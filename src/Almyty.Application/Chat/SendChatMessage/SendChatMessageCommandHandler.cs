using Almyty.Application.Common;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Application.Gateways;
using Almyty.Application.Usage;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Almyty.Domain.Usage;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Almyty.Application.Chat.SendChatMessage;

public sealed class SendChatMessageCommandHandler(
    IAlmytyDbContext db,
    ICurrentPrincipal principal,
    ISecretProtector secrets,
    ILlmGateway gateway,
    IPriceCatalog prices,
    IUsageRecorder usage,
    IOptions<ChatOptions> options,
    TimeProvider timeProvider) : ICommandHandler<SendChatMessageCommand, Result<ChatResponse>>
{
    private const int MaxAppendAttempts = 3;

    private readonly ChatOptions _options = options.Value;

    public async ValueTask<Result<ChatResponse>> Handle(SendChatMessageCommand command, CancellationToken cancellationToken)
    {
        var provider = await db.Providers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == command.ProviderId, cancellationToken);
        if (provider is null)
        {
            return ProviderErrors.NotFound(command.ProviderId);
        }

        if (provider.Status == ProviderStatus.Inactive)
        {
            return ProviderErrors.Disabled(provider.Id);
        }

        ChatSession? session = null;
        IReadOnlyList<ChatTurn> history = [];
        if (command.SessionId is { } sessionId)
        {
            session = await db.ChatSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
            var organizationId = principal.OrganizationId;
            if (session is null
                && await db.ChatSessions.IgnoreQueryFilters().AnyAsync(s => s.Id == sessionId && s.OrganizationId != organizationId, cancellationToken))
            {
                // Another organization's session: indistinguishable from one that does not exist.
                return ChatErrors.SessionNotFound(sessionId);
            }

            if (session is not null && session.ProviderId != provider.Id)
            {
                return ChatErrors.SessionOfAnotherProvider(sessionId);
            }

            if (session is not null)
            {
                history = await LoadHistoryAsync(sessionId, cancellationToken);
            }
        }

        var request = BuildRequest(command, provider, session, history);
        if (!request.IsSuccess)
        {
            return request.Error;
        }

        ChatOutcome outcome;
        try
        {
            outcome = await gateway.CompleteAsync(request.Value, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away mid-call; the request was sent, so it still counts.
            await RecordUsageAsync(provider, command.SessionId, request.Value.Model, null, "CANCELLED", null);
            throw;
        }

        if (outcome.Failure is { } failure)
        {
            if (failure.Sent)
            {
                await RecordUsageAsync(provider, command.SessionId, request.Value.Model, null, failure.ToError().Code, failure.Elapsed);
            }

            return failure.ToError();
        }

        var completion = outcome.Completion!;
        var (cost, priced) = await RecordUsageAsync(provider, command.SessionId, request.Value.Model, completion, UsageRecord.SuccessOutcome, completion.Elapsed);

        if (command.SessionId is { } id)
        {
            var appended = await AppendTurnAsync(id, existed: session is not null, provider, command.Message!, completion, cost);
            if (appended is not null)
            {
                return appended;
            }
        }

        int? total = completion.InputTokens is null && completion.OutputTokens is null ? null : (completion.InputTokens ?? 0) + (completion.OutputTokens ?? 0);
        return new ChatResponse(
            command.SessionId,
            new ChatResponseMessage(ChatRoles.Assistant, completion.Content),
            completion.Model,
            completion.FinishReason,
            new ChatUsage(completion.InputTokens, completion.OutputTokens, total, total is not null),
            cost,
            priced,
            (int)completion.Elapsed.TotalMilliseconds);
    }

    private Result<ChatCompletionRequest> BuildRequest(SendChatMessageCommand command, LlmProvider provider, ChatSession? session, IReadOnlyList<ChatTurn> history)
    {
        var configuration = provider.Configuration;
        var model = command.Model ?? provider.Model ?? provider.Kind.DefaultModel();
        if (model is null)
        {
            return ChatErrors.ModelRequired();
        }

        var temperature = command.Temperature ?? configuration.Temperature;
        var topP = command.TopP ?? configuration.TopP;
        if (provider.Kind == ProviderKind.Anthropic)
        {
            // Anthropic's newer models refuse temperature and top_p together: a top_p someone set goes alone,
            // unless a temperature was set too; otherwise the platform's default temperature is sent.
            temperature ??= topP is null ? _options.DefaultTemperature : null;
        }
        else
        {
            temperature ??= _options.DefaultTemperature;
            topP ??= _options.DefaultTopP;
        }

        if (temperature > provider.Kind.MaxTemperature())
        {
            return ChatErrors.TemperatureOutOfRange(provider.Kind.MaxTemperature());
        }
        var messages = new List<ChatTurn>(history.Count + 1);
        messages.AddRange(history);
        messages.Add(new ChatTurn(ChatRoles.User, command.Message!));

        return new ChatCompletionRequest(
            provider.Kind,
            provider.EffectiveBaseUrl,
            secrets.Unprotect(provider.ApiKey, provider.Id),
            model,
            command.SystemPrompt ?? session?.SystemPrompt ?? configuration.SystemPrompt,
            messages,
            temperature,
            command.MaxTokens ?? configuration.MaxTokens ?? _options.DefaultMaxTokens,
            topP,
            command.Stop ?? configuration.Stop,
            TimeSpan.FromSeconds(configuration.TimeoutSeconds ?? _options.DefaultTimeoutSeconds));
    }

    /// <summary>
    /// The most recent turns within both bounds, oldest first. A turn is a user message with the replies that follow
    /// it; turns are dropped whole, oldest first, so what is replayed always opens with the user.
    /// </summary>
    private async Task<IReadOnlyList<ChatTurn>> LoadHistoryAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        // Stored sessions alternate, two messages a turn; the slack covers rows that do not.
        var recent = await db.ChatMessages.AsNoTracking()
            .Where(m => m.SessionId == sessionId)
            .OrderByDescending(m => m.Sequence)
            .Take((_options.HistoryMaxTurns * 2) + 2)
            .Select(m => new { m.Role, m.Content })
            .ToListAsync(cancellationToken);

        var kept = new List<ChatTurn>(recent.Count);
        var pending = new List<ChatTurn>();
        var characters = 0;
        var turns = 0;
        foreach (var message in recent)
        {
            // Newest first: replies gather until the user message that opened their turn.
            pending.Add(new ChatTurn(message.Role.ToWire(), message.Content));
            characters += message.Content.Length;
            if (message.Role != ChatRole.User)
            {
                continue;
            }

            if (characters > _options.HistoryMaxCharacters || turns == _options.HistoryMaxTurns)
            {
                break;
            }

            kept.AddRange(pending);
            pending.Clear();
            turns++;
        }

        kept.Reverse();
        return kept;
    }

    /// <summary>
    /// Stores the exchange under the session's row lock: concurrent appends to one session queue up and each takes the
    /// next two places. Only two first messages creating the same new session can collide; the loser retries.
    /// </summary>
    private async Task<Error?> AppendTurnAsync(Guid sessionId, bool existed, LlmProvider provider, string userMessage, ChatCompletion completion, decimal cost)
    {
        var tokens = (long)(completion.InputTokens ?? 0) + (completion.OutputTokens ?? 0);
        for (var attempt = 1; attempt <= MaxAppendAttempts; attempt++)
        {
            // The provider has answered and billed: a caller who leaves now still gets the exchange stored.
            await using var transaction = await db.BeginTransactionAsync(CancellationToken.None);
            var session = await db.LockSessionAsync(sessionId, CancellationToken.None);
            if (session is null && existed)
            {
                // Deleted while the provider was answering: starting it again would bring back half a conversation.
                return SessionErrors.DeletedDuringChat(sessionId);
            }

            if (session is null)
            {
                session = ChatSession.Start(sessionId, principal.OrganizationId!, provider.Id, null, null, timeProvider.GetUtcNow());
                db.ChatSessions.Add(session);
            }
            else if (session.ProviderId != provider.Id)
            {
                return ChatErrors.SessionOfAnotherProvider(sessionId);
            }

            var (user, assistant) = session.AppendTurn(timeProvider.NewId(), userMessage, timeProvider.NewId(), completion.Content, tokens, cost, timeProvider.GetUtcNow());
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

    private async Task<(decimal Cost, bool Priced)> RecordUsageAsync(
        LlmProvider provider,
        Guid? sessionId,
        string requestedModel,
        ChatCompletion? completion,
        string outcome,
        TimeSpan? elapsed)
    {
        var (cost, priced) = UsagePricing.Price(prices, provider.Configuration, completion?.Model, requestedModel, completion?.InputTokens, completion?.OutputTokens);
        var record = UsageRecord.Create(
            timeProvider.NewId(),
            provider.OrganizationId,
            provider.Id,
            sessionId,
            completion?.Model ?? requestedModel,
            completion?.InputTokens,
            completion?.OutputTokens,
            cost,
            priced,
            outcome,
            (int)(elapsed?.TotalMilliseconds ?? 0),
            timeProvider.GetUtcNow());
        await usage.RecordAsync(record, CancellationToken.None);
        return (cost, priced);
    }
}
