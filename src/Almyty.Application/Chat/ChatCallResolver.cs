using Almyty.Application.Common.Abstractions;
using Almyty.Application.Gateways;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Application.Providers;
using Almyty.Domain.Providers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Almyty.Application.Chat;

/// <summary>A chat call ready to go upstream: the provider, the resolved request, and where the exchange is stored.</summary>
/// <param name="SessionExisted">Whether the session was there when the call was resolved (so a later absence means it was deleted).</param>
public sealed record ChatCall(ProviderConnection Provider, ChatCompletionRequest Request, Guid? SessionId, string UserMessage, bool SessionExisted);

/// <summary>
/// Everything a chat call checks and resolves before it goes upstream, streamed or not: the provider (404, inactive
/// 409), the session (another organization's 404, another provider's 409), the bounded history, and each parameter
/// (per call, then the provider's configuration, then the platform default).
/// </summary>
public sealed class ChatCallResolver(
    IAlmytyDbContext db,
    IProviderConnections providers,
    ICurrentPrincipal principal,
    ISecretProtector secrets,
    IOptions<ChatOptions> options)
{
    private readonly ChatOptions _options = options.Value;

    public async Task<Result<ChatCall>> ResolveAsync(IChatMessageCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var provider = await providers.FindAsync(command.ProviderId, cancellationToken);
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

        return new ChatCall(provider, request.Value, command.SessionId, command.Message!, SessionExisted: session is not null);
    }

    private Result<ChatCompletionRequest> BuildRequest(IChatMessageCommand command, ProviderConnection provider, ChatSession? session, IReadOnlyList<ChatTurn> history)
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

        var stop = command.Stop ?? configuration.Stop;
        if (!provider.Kind.AcceptsStop(stop))
        {
            return ChatErrors.StopNotAccepted();
        }

        var messages = new List<ChatTurn>(history.Count + 1);
        messages.AddRange(history);
        messages.Add(new ChatTurn(ChatRoles.User, command.Message!));

        return new ChatCompletionRequest(
            provider.Kind,
            provider.BaseUrl,
            secrets.Unprotect(provider.ApiKey, provider.Id),
            model,
            SystemPromptOf(command, session, configuration),
            messages,
            temperature,
            command.MaxTokens ?? configuration.MaxTokens ?? _options.DefaultMaxTokens,
            topP,
            stop,
            TimeSpan.FromSeconds(configuration.TimeoutSeconds ?? _options.DefaultTimeoutSeconds));
    }

    /// <summary>The first prompt given, per call, then the session's, then the provider's; a blank one means none is sent.</summary>
    private static string? SystemPromptOf(IChatMessageCommand command, ChatSession? session, ProviderConfiguration configuration) =>
        (command.SystemPrompt ?? session?.SystemPrompt ?? configuration.SystemPrompt) is { } prompt && !string.IsNullOrWhiteSpace(prompt) ? prompt : null;

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
            characters += Characters.Count(message.Content);
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
}
