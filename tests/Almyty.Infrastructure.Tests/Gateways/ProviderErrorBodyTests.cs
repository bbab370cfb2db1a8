using System.Text.Json;
using Almyty.Application.Gateways;
using Almyty.Domain.Chat;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Gateways;
using Almyty.Infrastructure.Gateways.Streaming;

namespace Almyty.Infrastructure.Tests.Gateways;

public sealed class ProviderErrorBodyTests
{
    private const string Key = "sk-unit-test-key-0123456789";

    [Theory]
    [InlineData("""{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}""", "body.messages: field required")]
    [InlineData("""{"detail":[{"loc":["body","messages",0,"content"],"msg":"str type expected"}]}""", "body.messages.0.content: str type expected")]
    [InlineData("""{"detail":[{"msg":"no location"},{"loc":[],"msg":"empty location"}]}""", "no location; empty location")]
    [InlineData("""{"detail":["plain", {"loc":["x"]}, {"loc":["y"],"msg":" "}, {"loc":["z"],"msg":"kept"}]}""", "plain; z: kept")]
    [InlineData("""{"detail":[{"msg":"a"},{"msg":"b"},{"msg":"c"},{"msg":"d"},{"msg":"e"}]}""", "a; b; c (and 2 more)")]
    [InlineData("""{"detail":"Not Found"}""", "Not Found")]
    [InlineData("""{"message":"top","detail":"under"}""", "top")]
    [InlineData("""{"message":" ","error":"the error string"}""", "the error string")]
    public void The_fallback_message_reads_a_detail_list_or_string_and_top_level_strings(string body, string expected)
    {
        using var document = JsonDocument.Parse(body);

        ProviderErrorBody.FallbackMessage(document.RootElement).ShouldBe(expected);
    }

    [Theory]
    [InlineData("""{"detail":[]}""")]
    [InlineData("""{"detail":[{"loc":["body"]},1,null]}""")]
    [InlineData("""{"detail":{"msg":"an object"}}""")]
    [InlineData("""{"detail":" "}""")]
    [InlineData("""[1,2]""")]
    public void A_body_that_names_no_message_has_none(string body)
    {
        using var document = JsonDocument.Parse(body);

        ProviderErrorBody.FallbackMessage(document.RootElement).ShouldBeNull();
    }

    [Fact]
    public void Each_part_of_a_detail_entry_is_cut()
    {
        using var document = JsonDocument.Parse($$"""{"detail":[{"loc":["{{new string('l', 300)}}"],"msg":"{{new string('m', 300)}}"}]}""");

        var message = ProviderErrorBody.FallbackMessage(document.RootElement)!;

        message.ShouldBe(new string('l', ProviderErrorBody.MaxDetailPartLength - 1) + "…: " + new string('m', ProviderErrorBody.MaxDetailPartLength - 1) + "…");
    }

    [Fact]
    public void Both_protocols_error_readers_fall_back_to_the_detail_list()
    {
        using var document = JsonDocument.Parse("""{"detail":[{"loc":["body","model"],"msg":"field required"}]}""");

        OpenAiChatClient.ReadError(document.RootElement).Message.ShouldBe("body.model: field required");
        AnthropicChatClient.ReadError(document.RootElement).Message.ShouldBe("body.model: field required");
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, """{"error":{"message":"overloaded {key}","type":"server_error"}}""", UpstreamFailureKind.ServerError)]
    [InlineData(ProviderKind.OpenAi, """{"error":{"message":"overloaded {key}","type":"requests","code":"rate_limit_exceeded"}}""", UpstreamFailureKind.RateLimited)]
    [InlineData(ProviderKind.OpenAi, """{"error":{"message":"overloaded {key}","type":"invalid_request_error","code":"model_not_found"},"choices":[]}""", UpstreamFailureKind.ModelNotFound)]
    [InlineData(ProviderKind.Anthropic, """{"type":"error","error":{"type":"overloaded_error","message":"overloaded {key}"}}""", UpstreamFailureKind.ServerError)]
    [InlineData(ProviderKind.Anthropic, """{"type":"error","error":{"type":"permission_error","message":"overloaded {key}"}}""", UpstreamFailureKind.AuthFailed)]
    public void An_error_object_in_a_2xx_body_is_a_sent_failure_classified_as_in_a_stream_with_its_message_redacted(ProviderKind kind, string body, UpstreamFailureKind expected)
    {
        using var document = JsonDocument.Parse(body.Replace("{key}", Key, StringComparison.Ordinal));
        ChatStreamParser parser = kind == ProviderKind.Anthropic ? new AnthropicStreamParser() : new OpenAiStreamParser();

        var failure = parser.ParseWhole(document.RootElement, Request(kind), TimeSpan.FromMilliseconds(42)).Failure.ShouldNotBeNull();
        parser.Read(JsonSerializer.SerializeToUtf8Bytes(document.RootElement)).ShouldBe(StreamStep.Error);

        failure.Kind.ShouldBe(expected);
        failure.Kind.ShouldBe(parser.ErrorKind, "a plain answer and a stream classify the same object the same way");
        failure.Message.ShouldBe("overloaded [redacted]");
        failure.Sent.ShouldBeTrue("the provider answered");
        failure.UpstreamStatus.ShouldBe(200);
        failure.Elapsed.ShouldBe(TimeSpan.FromMilliseconds(42));
    }

    [Theory]
    [InlineData(ProviderKind.OpenAi, """{"error":null,"choices":[{"message":{"role":"assistant","content":"fine"}}]}""")]
    [InlineData(ProviderKind.OpenAi, """{"error":{},"choices":[{"message":{"role":"assistant","content":"fine"}}]}""")]
    [InlineData(ProviderKind.OpenAi, """{"error":{"message":null},"choices":[{"message":{"role":"assistant","content":"fine"}}]}""")]
    [InlineData(ProviderKind.Anthropic, """{"type":"message","error":{"type":"api_error"},"content":[{"type":"text","text":"fine"}]}""")]
    public void A_2xx_body_without_the_protocols_error_object_is_an_answer(ProviderKind kind, string body)
    {
        using var document = JsonDocument.Parse(body);
        var parse = kind == ProviderKind.Anthropic
            ? (Func<JsonElement, ChatCompletionRequest, TimeSpan, ChatOutcome>)AnthropicChatClient.Parse
            : OpenAiChatClient.Parse;

        parse(document.RootElement, Request(kind), TimeSpan.Zero).Completion.ShouldNotBeNull().Content.ShouldBe("fine");
    }

    private static ChatCompletionRequest Request(ProviderKind kind) =>
        new(kind, new Uri("http://127.0.0.1:1/v1"), Key, "gpt-4o", null, [new ChatTurn("user", "Hi")], null, 16, null, null, TimeSpan.FromSeconds(5));
}
