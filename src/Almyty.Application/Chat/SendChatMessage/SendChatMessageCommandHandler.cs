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
    private const int MaxAppendAttempts = 8;

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
            if (session is null && await db.ChatSessions.IgnoreQueryFilters().AnyAsync(s => s.Id == sessionId, cancellationToken))
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
            var appended = await AppendTurnAsync(id, provider, command.Message!, completion, cost);
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

        var temperature = command.Temperature ?? configuration.Temperature ?? _options.DefaultTemperature;
        if (temperature > provider.Kind.MaxTemperature())
        {
            return ChatErrors.TemperatureOutOfRange(provider.Kind.MaxTemperature());
        }

        // Anthropic refuses temperature and top_p together on its newer models: top_p goes only when someone set it.
        var topP = command.TopP ?? configuration.TopP ?? (provider.Kind == ProviderKind.Anthropic ? null : _options.DefaultTopP);
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
    /// The most recent turns (a user message and its reply) within both bounds, oldest first. Turns are dropped
    /// whole, oldest first, so what is replayed always opens with the user and alternates.
    /// </summary>
    private async Task<IReadOnlyList<ChatTurn>> LoadHistoryAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var recent = await db.ChatMessages.AsNoTracking()
            .Where(m => m.SessionId == sessionId)
            .OrderByDescending(m => m.Sequence)
            .Take(_options.HistoryMaxTurns * 2)
            .Select(m => new { m.Role, m.Content })
            .ToListAsync(cancellationToken);

        var kept = new List<ChatTurn>(recent.Count);
        var characters = 0;
        for (var i = 0; i + 1 < recent.Count; i += 2)
        {
            // Newest first: an assistant reply, then the user message it answered.
            var (reply, question) = (recent[i], recent[i + 1]);
            if (reply.Role != ChatRole.Assistant || question.Role != ChatRole.User)
            {
                break;
            }

            characters += reply.Content.Length + question.Content.Length;
            if (characters > _options.HistoryMaxCharacters)
            {
                break;
            }

            kept.Add(new ChatTurn(ChatRoles.Assistant, reply.Content));
            kept.Add(new ChatTurn(ChatRoles.User, question.Content));
        }

        kept.Reverse();
        return kept;
    }

    /// <summary>Stores the exchange; concurrent appends to one session retry on the session's row version, so none is lost.</summary>
    private async Task<Error?> AppendTurnAsync(Guid sessionId, LlmProvider provider, string userMessage, ChatCompletion completion, decimal cost)
    {
        var tokens = (long)(completion.InputTokens ?? 0) + (completion.OutputTokens ?? 0);
        for (var attempt = 1; attempt <= MaxAppendAttempts; attempt++)
        {
            var session = await db.ChatSessions.FirstOrDefaultAsync(s => s.Id == sessionId, CancellationToken.None);
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
                // The provider has answered and billed: a caller who leaves now still gets the exchange stored.
                await db.SaveChangesAsync(CancellationToken.None);
                return null;
            }
            catch (Exception exception) when (exception is DbUpdateConcurrencyException or DuplicateKeyException)
            {
                db.ClearChanges();
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), timeProvider, CancellationToken.None);
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
