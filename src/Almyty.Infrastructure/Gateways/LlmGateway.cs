using Almyty.Application.Gateways;
using Almyty.Domain.Providers;

namespace Almyty.Infrastructure.Gateways;

/// <summary>One port, one client per wire protocol: openai and custom speak OpenAI's, anthropic its own.</summary>
internal sealed class LlmGateway(
    OpenAiChatClient openAi,
    AnthropicChatClient anthropic,
    OpenAiModelsClient openAiModels,
    AnthropicModelsClient anthropicModels,
    UpstreamTimer timer,
    TimeProvider timeProvider) : ILlmGateway
{
    public async Task<ChatOutcome> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        try
        {
            return request.Kind == ProviderKind.Anthropic
                ? await anthropic.CompleteAsync(request, cancellationToken)
                : await openAi.CompleteAsync(request, cancellationToken);
        }
        finally
        {
            timer.Add(timeProvider.GetElapsedTime(started));
        }
    }

    public async Task<ModelListOutcome> ListModelsAsync(ModelListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        try
        {
            return request.Kind == ProviderKind.Anthropic
                ? await anthropicModels.ListAsync(request, cancellationToken)
                : await openAiModels.ListAsync(request, cancellationToken);
        }
        finally
        {
            timer.Add(timeProvider.GetElapsedTime(started));
        }
    }
}
