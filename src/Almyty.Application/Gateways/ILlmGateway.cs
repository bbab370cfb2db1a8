using Almyty.Domain.Providers;

namespace Almyty.Application.Gateways;

/// <summary>Talks to an LLM provider in its own wire protocol; every failure comes back classified, never thrown.</summary>
public interface ILlmGateway
{
    Task<ChatOutcome> CompleteAsync(ChatCompletionRequest request, CancellationToken cancellationToken);

    /// <summary>The models the provider serves, from its own models endpoint (every page of it).</summary>
    Task<ModelListOutcome> ListModelsAsync(ModelListRequest request, CancellationToken cancellationToken);
    /// <summary>
    /// Sends the request as a stream and waits for the response headers only. A failure up to then (retries included)
    /// comes back classified, as from <see cref="CompleteAsync"/>; a 2xx comes back as an open <see cref="IStreamedCompletion"/>.
    /// </summary>
    Task<ChatStreamOutcome> StreamAsync(ChatCompletionRequest request, CancellationToken cancellationToken);
}

public sealed record ChatTurn(string Role, string Content);

/// <summary>One upstream call, with every parameter already resolved (per call, then provider, then platform default).</summary>
public sealed record ChatCompletionRequest(
    ProviderKind Kind,
    Uri BaseUrl,
    string ApiKey,
    string Model,
    string? SystemPrompt,
    IReadOnlyList<ChatTurn> Messages,
    double? Temperature,
    int MaxTokens,
    double? TopP,
    IReadOnlyList<string>? Stop,
    TimeSpan Timeout)
{
    /// <summary>Keeps the key out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"ChatCompletionRequest {{ Kind = {Kind}, BaseUrl = {BaseUrl}, Model = {Model}, Messages = {Messages.Count} }}";
}

/// <summary>What the provider answered. Token counts are null when the provider did not report them.</summary>
public sealed record ChatCompletion(string Content, string Model, string FinishReason, int? InputTokens, int? OutputTokens, TimeSpan Elapsed);

public enum UpstreamFailureKind
{
    AuthFailed,
    ModelNotFound,
    Rejected,
    RateLimited,
    Timeout,
    ConnectionFailed,
    CircuitOpen,
    EgressBlocked,
    ServerError,
    InvalidResponse,
}

/// <param name="Elapsed">Time until the provider's answer; null when no answer came (timeout, connection failure, egress refusal).</param>
/// <param name="Sent">Whether the request reached the provider on some attempt: false when every attempt failed before a connection was made (no address, refused, TLS handshake, egress refusal, open circuit).</param>
public sealed record UpstreamFailure(UpstreamFailureKind Kind, string Message, int? UpstreamStatus, TimeSpan? RetryAfter, TimeSpan? Elapsed, bool Sent);

public sealed record ChatOutcome(ChatCompletion? Completion, UpstreamFailure? Failure)
{
    public static ChatOutcome Success(ChatCompletion completion) => new(completion, null);

    public static ChatOutcome Failed(UpstreamFailure failure) => new(null, failure);
}

/// <param name="Timeout">The budget of the whole listing, every page included.</param>
public sealed record ModelListRequest(ProviderKind Kind, Uri BaseUrl, string ApiKey, TimeSpan Timeout)
{
    /// <summary>Keeps the key out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"ModelListRequest {{ Kind = {Kind}, BaseUrl = {BaseUrl} }}";
}

/// <summary>One model as the provider lists it; what its protocol does not say is null.</summary>
public sealed record ProviderModel(string Id, string? DisplayName, DateTimeOffset? CreatedAt, string? OwnedBy);

public sealed record ModelListOutcome(IReadOnlyList<ProviderModel>? Models, UpstreamFailure? Failure)
{
    public static ModelListOutcome Success(IReadOnlyList<ProviderModel> models) => new(models, null);

    public static ModelListOutcome Failed(UpstreamFailure failure) => new(null, failure);
}

/// <summary>
/// An upstream answer being streamed. It owns the connection: disposing it (or finishing <see cref="ReadAsync"/>)
/// closes it, which cancels the call at the provider when the answer is not complete.
/// </summary>
public interface IStreamedCompletion : IAsyncDisposable
{
    /// <summary>The model the provider has reported so far; null until it names one.</summary>
    string? ReportedModel { get; }

    /// <summary>Token counts the provider has reported so far (a stream cut short may have some, none or all).</summary>
    int? InputTokens { get; }

    int? OutputTokens { get; }

    /// <summary>Time from sending until now (or until the stream ended).</summary>
    TimeSpan Elapsed { get; }

    /// <summary>
    /// The pieces of text as they arrive, then exactly one <see cref="ChatStreamEnd"/> or <see cref="ChatStreamFault"/>.
    /// Only the caller's cancellation is thrown; every upstream failure is a fault. Enumerate once.
    /// </summary>
    IAsyncEnumerable<ChatStreamEvent> ReadAsync(CancellationToken cancellationToken);
}

public abstract record ChatStreamEvent;

/// <summary>A piece of the reply, as the provider sent it.</summary>
public sealed record ChatStreamDelta(string Content) : ChatStreamEvent;

/// <summary>The provider finished. Token counts are null when it reported none.</summary>
public sealed record ChatStreamEnd(string Model, string FinishReason, int? InputTokens, int? OutputTokens, TimeSpan Elapsed) : ChatStreamEvent;

/// <summary>The stream broke after it started: an error event from the provider, a dropped connection, a stall, an unusable event.</summary>
public sealed record ChatStreamFault(UpstreamFailure Failure) : ChatStreamEvent;

public sealed record ChatStreamOutcome(IStreamedCompletion? Stream, UpstreamFailure? Failure)
{
    public static ChatStreamOutcome Opened(IStreamedCompletion stream) => new(stream, null);

    public static ChatStreamOutcome Failed(UpstreamFailure failure) => new(null, failure);
}
