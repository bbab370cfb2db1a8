using Almyty.Application.Chat;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Gateways;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Almyty.Application.Providers.TestProvider;

public sealed class TestProviderCommandHandler(
    IAlmytyDbContext db,
    IProviderConnections providers,
    ISecretProtector secrets,
    ILlmGateway gateway,
    IOptions<ChatOptions> options,
    TimeProvider timeProvider) : ICommandHandler<TestProviderCommand, Result<TestProviderResponse>>
{
    private const string ProbeMessage = "Reply with the single word: ok";

    public async ValueTask<Result<TestProviderResponse>> Handle(TestProviderCommand command, CancellationToken cancellationToken)
    {
        var provider = await providers.FindAsync(command.Id, cancellationToken);
        if (provider is null)
        {
            return ProviderErrors.NotFound(command.Id);
        }

        if (provider.Status == ProviderStatus.Inactive)
        {
            return ProviderErrors.Disabled(provider.Id);
        }

        var model = provider.Model ?? provider.Kind.DefaultModel();
        var response = model is null
            ? new TestProviderResponse(TestProviderResponse.Failed, null, null)
            {
                Error = new TestProviderError("MODEL_NOT_FOUND", "The provider has no model to test: set its 'model'."),
            }
            : await ProbeAsync(provider, model, cancellationToken);

        await RecordAsync(provider.Id, response);
        return response;
    }

    private async Task<TestProviderResponse> ProbeAsync(ProviderConnection provider, string model, CancellationToken cancellationToken)
    {
        var request = new ChatCompletionRequest(
            provider.Kind,
            provider.BaseUrl,
            secrets.Unprotect(provider.ApiKey, provider.Id),
            model,
            SystemPrompt: null,
            [new ChatTurn(ChatRoles.User, ProbeMessage)],
            Temperature: null,
            options.Value.TestMaxTokens,
            TopP: null,
            Stop: null,
            TimeSpan.FromSeconds(provider.Configuration.TimeoutSeconds ?? options.Value.DefaultTimeoutSeconds));
        var outcome = await gateway.CompleteAsync(request, cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return new TestProviderResponse(TestProviderResponse.Failed, model, Milliseconds(failure.Elapsed))
            {
                Error = new TestProviderError(failure.ToTestCode(), failure.Message),
            };
        }

        return new TestProviderResponse(TestProviderResponse.Ok, outcome.Completion!.Model, Milliseconds(outcome.Completion.Elapsed));
    }

    /// <summary>Keeps the verdict on the provider; a concurrent edit is reloaded and the verdict applied again.</summary>
    private async Task RecordAsync(Guid providerId, TestProviderResponse response)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var provider = await db.Providers.FirstOrDefaultAsync(p => p.Id == providerId, CancellationToken.None);
            if (provider is null)
            {
                return;
            }

            provider.RecordTest(response.Status == TestProviderResponse.Ok, response.Error is null ? null : $"{response.Error.Code}: {response.Error.Message}", timeProvider.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return;
            }
            catch (Exception exception) when (exception is DbUpdateConcurrencyException or Common.Persistence.ConcurrencyConflictException)
            {
                db.ClearChanges();
            }
        }
    }

    private static int? Milliseconds(TimeSpan? elapsed) => elapsed is { } value ? (int)Math.Round(value.TotalMilliseconds) : null;
}
