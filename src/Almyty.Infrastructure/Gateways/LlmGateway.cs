using Almyty.Application.Gateways;
using Almyty.Domain.Providers;

namespace Almyty.Infrastructure.Gateways;

/// <summary>One port, one client per wire protocol: openai and custom speak OpenAI's, anthropic its own.</summary>
internal sealed class LlmGateway(OpenAiChatClient openAi, AnthropicChatClient anthropic) : ILlmGateway
{
    public Task<ChatOutcome> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Kind == ProviderKind.Anthropic
            ? anthropic.CompleteAsync(request, cancellationToken)
            : openAi.CompleteAsync(request, cancellationToken);
    }
}
