using Almyty.Api.Http;
using Almyty.Application.Chat.SendChatMessage;
using Almyty.Application.Chat.StreamChatMessage;
using Almyty.Application.Providers.TestProvider;
using Mediator;
using Microsoft.OpenApi;

namespace Almyty.Api.Endpoints.Chat;

/// <summary>The body of <c>POST /llm-providers/{id}/chat</c>. Per-call values win over the provider's configuration.</summary>
public sealed record ChatRequest
{
    public string? Message { get; init; }
    public Guid? SessionId { get; init; }
    public string? Model { get; init; }
    public string? SystemPrompt { get; init; }
    public double? Temperature { get; init; }
    public int? MaxTokens { get; init; }
    public double? TopP { get; init; }
    public IReadOnlyList<string>? Stop { get; init; }

    /// <summary>True: the reply comes as server-sent events. Present, it wins over the <c>Accept</c> header.</summary>
    public bool? Stream { get; init; }
}

/// <summary>Calls that reach the provider: the connection test and chat.</summary>
public static class ChatEndpoints
{
    public static IEndpointRouteBuilder MapChatEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup(Providers.ProviderEndpoints.Route, "Chat");

        group.MapTestProvider();
        group.MapSendChatMessage();
        return app;
    }

    private static void MapTestProvider(this RouteGroupBuilder group) =>
        group.MapPost("/{id}/test", async (string id, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                return (await mediator.Send(new TestProviderCommand(providerId), cancellationToken)).ToOk();
            })
            .WithName("TestProvider")
            .WithSummary("Test the connection")
            .WithDescription("A real, minimal request with the stored key and default model. Always 200 once the provider is found; data.status says ok or error with a classified code.")
            .Produces<SuccessEnvelope<TestProviderResponse>>()
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict);

    private static void MapSendChatMessage(this RouteGroupBuilder group) =>
        group.MapPost("/{id}/chat", async (string id, ChatRequest request, HttpContext httpContext, IMediator mediator, CancellationToken cancellationToken) =>
            {
                if (!QueryParameters.TryReadId(id, out var providerId, out var problem))
                {
                    return problem!;
                }

                if (request.Stream ?? AcceptsEventStream(httpContext.Request))
                {
                    var streamed = await mediator.Send(
                        new StreamChatMessageCommand(providerId, request.Message, request.SessionId, request.Model, request.SystemPrompt, request.Temperature, request.MaxTokens, request.TopP, request.Stop),
                        cancellationToken);
                    return streamed.IsSuccess ? new ServerSentChatResult(streamed.Value) : streamed.Error.ToResult();
                }

                var command = new SendChatMessageCommand(
                    providerId,
                    request.Message,
                    request.SessionId,
                    request.Model,
                    request.SystemPrompt,
                    request.Temperature,
                    request.MaxTokens,
                    request.TopP,
                    request.Stop);
                return (await mediator.Send(command, cancellationToken)).ToOk();
            })
            .WithName("SendChatMessage")
            .WithSummary("Send a chat message")
            .WithDescription(
                "Without sessionId a one-off; with one, the session's history is replayed and the exchange stored. Upstream failures: 502 PROVIDER_AUTH_FAILED / PROVIDER_REJECTED / PROVIDER_INVALID_RESPONSE, 429 PROVIDER_RATE_LIMITED, 503 PROVIDER_UNAVAILABLE, 504 PROVIDER_TIMEOUT, 400 EGRESS_BLOCKED. "
                + "With \"stream\": true (or, when the body has no \"stream\", Accept: text/event-stream) the 200 is text/event-stream: "
                + "'event: delta' with {\"content\": \"...\"} for each piece as the provider sends it, then one 'event: done' whose data is the object a plain call returns in data, "
                + "or one 'event: error' with {\"error\": \"<CODE>\", \"message\": \"...\"} when the stream breaks after it started. Failures before the first event are the JSON errors listed here.")
            .AcceptsJson<ChatRequest>()
            .Produces<SuccessEnvelope<ChatResponse>>(StatusCodes.Status200OK, "application/json")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // A second Produces for 200 would replace the JSON one: the event stream is added beside it.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
                {
                    content["text/event-stream"] = new OpenApiMediaType
                    {
                        Schema = new OpenApiSchema
                        {
                            Type = JsonSchemaType.String,
                            Description = "Server-sent events: 'event: delta' (data {\"content\"}), then one 'event: done' (data: the plain answer's data) or one 'event: error' (data {\"error\", \"message\"}).",
                        },
                    };
                }

                return Task.CompletedTask;
            })
            .ProducesError(StatusCodes.Status400BadRequest)
            .ProducesError(StatusCodes.Status404NotFound)
            .ProducesError(StatusCodes.Status409Conflict)
            .ProducesError(StatusCodes.Status429TooManyRequests)
            .ProducesError(StatusCodes.Status502BadGateway)
            .ProducesError(StatusCodes.Status503ServiceUnavailable)
            .ProducesError(StatusCodes.Status504GatewayTimeout);

    /// <summary>Whether the caller asked for server-sent events in <c>Accept</c> (with a non-zero quality).</summary>
    internal static bool AcceptsEventStream(HttpRequest request)
    {
        foreach (var accepted in request.GetTypedHeaders().Accept)
        {
            if (accepted.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) && accepted.Quality is not 0)
            {
                return true;
            }
        }

        return false;
    }
}
