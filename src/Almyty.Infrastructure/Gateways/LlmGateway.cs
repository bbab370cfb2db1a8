using Almyty.Application.Gateways;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Gateways.Streaming;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Gateways;

/// <summary>One port, one client per wire protocol: openai and custom speak OpenAI's, anthropic its own.</summary>
internal sealed class LlmGateway(
    OpenAiChatClient openAi,
    AnthropicChatClient anthropic,
    OpenAiModelsClient openAiModels,
    AnthropicModelsClient anthropicModels,
    UpstreamCaller caller,
    IOptions<GatewayOptions> options,
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

    public async Task<ChatStreamOutcome> StreamAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = timeProvider.GetTimestamp();
        var isAnthropic = request.Kind == ProviderKind.Anthropic;
        UpstreamResponse? opened;
        UpstreamFailure? failure;
        try
        {
            (opened, failure) = isAnthropic
                ? await anthropic.OpenStreamAsync(request, cancellationToken)
                : await openAi.OpenStreamAsync(request, cancellationToken);
        }
        finally
        {
            // Until the headers; the stream adds each wait for the provider's bytes after that.
            timer.Add(timeProvider.GetElapsedTime(started));
        }

        if (failure is not null)
        {
            return ChatStreamOutcome.Failed(failure);
        }

        ChatStreamParser parser = isAnthropic ? new AnthropicStreamParser() : new OpenAiStreamParser();
        return ChatStreamOutcome.Opened(new UpstreamStreamedCompletion(opened!, parser, request, options.Value.MaxResponseBytes, caller, timer, timeProvider, cancellationToken));
    }
}
