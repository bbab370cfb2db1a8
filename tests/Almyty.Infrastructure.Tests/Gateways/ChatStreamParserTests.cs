using System.Text;
using Almyty.Application.Gateways;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Gateways.Streaming;

namespace Almyty.Infrastructure.Tests.Gateways;

public sealed class ChatStreamParserTests
{
    [Fact]
    public void OpenAi_chunks_give_the_text_the_finish_reason_the_usage_and_the_end()
    {
        var parser = new OpenAiStreamParser();

        Read(parser, """{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}""").ShouldBe(StreamStep.Delta);
        parser.Delta.ShouldBe("Hi");
        Read(parser, """{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"id":"c","object":"chat.completion.chunk","model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}""").ShouldBe(StreamStep.Continue);
        Read(parser, "[DONE]").ShouldBe(StreamStep.Done);

        parser.Model.ShouldBe("gpt-4o-2024-08-06");
        parser.FinishReason.ShouldBe("length");
        parser.InputTokens.ShouldBe(9);
        parser.OutputTokens.ShouldBe(4);
    }

    [Fact]
    public void Only_the_openai_choice_numbered_0_is_relayed_wherever_it_sits()
    {
        var parser = new OpenAiStreamParser();

        Read(parser, """{"id":"c","object":"chat.completion.chunk","choices":[{"index":1,"delta":{"content":"X"},"finish_reason":null}]}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"id":"c","object":"chat.completion.chunk","choices":[{"index":1,"delta":{"content":"Z"},"finish_reason":"length"},{"index":0,"delta":{"content":"Y"},"finish_reason":null}]}""").ShouldBe(StreamStep.Delta);
        parser.Delta.ShouldBe("Y");
        parser.FinishReason.ShouldBeNull();
        Read(parser, """{"id":"c","object":"chat.completion.chunk","choices":[{"delta":{"content":"W"}}]}""").ShouldBe(StreamStep.Delta);
        parser.Delta.ShouldBe("W");
    }

    [Fact]
    public void The_openai_choice_numbered_0_is_the_answer_wherever_it_sits()
    {
        const string Body = """{"id":"c","object":"chat.completion","model":"gpt-4o","choices":[{"index":1,"message":{"role":"assistant","content":"second"},"finish_reason":"length"},{"index":0,"message":{"role":"assistant","content":"first"},"finish_reason":"stop"}]}""";
        using var document = System.Text.Json.JsonDocument.Parse(Body);

        var completion = new OpenAiStreamParser().ParseWhole(document.RootElement, new ChatCompletionRequest(ProviderKind.OpenAi, new Uri("https://api.openai.com/v1"), "sk-test", "gpt-4o", null, [new ChatTurn("user", "Hi")], null, 16, null, null, TimeSpan.FromSeconds(5)), TimeSpan.FromMilliseconds(5)).Completion.ShouldNotBeNull();

        completion.Content.ShouldBe("first");
        completion.FinishReason.ShouldBe("stop");
    }

    [Fact]
    public void An_openai_error_object_in_the_stream_is_a_classified_failure()
    {
        var parser = new OpenAiStreamParser();

        Read(parser, """{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}""").ShouldBe(StreamStep.Error);

        parser.ErrorKind.ShouldBe(UpstreamFailureKind.ServerError);
        parser.ErrorMessage.ShouldBe("The server had an error");
    }

    [Fact]
    public void Anthropic_events_give_the_text_the_mapped_stop_reason_and_the_cumulative_usage()
    {
        var parser = new AnthropicStreamParser();

        Read(parser, """{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-6","stop_reason":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":10,"cache_read_input_tokens":5,"output_tokens":1}}}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type": "ping"}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""").ShouldBe(StreamStep.Delta);
        parser.Delta.ShouldBe("Hello");
        Read(parser, """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type":"content_block_stop","index":0}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}""").ShouldBe(StreamStep.Continue);
        Read(parser, """{"type":"message_stop"}""").ShouldBe(StreamStep.Done);

        parser.Model.ShouldBe("claude-sonnet-4-6");
        parser.FinishReason.ShouldBe("stop");
        parser.InputTokens.ShouldBe(40, "input counts both cache counts, as a plain call does");
        parser.OutputTokens.ShouldBe(15);
    }

    [Theory]
    [InlineData("overloaded_error", UpstreamFailureKind.ServerError)]
    [InlineData("api_error", UpstreamFailureKind.ServerError)]
    [InlineData("rate_limit_error", UpstreamFailureKind.RateLimited)]
    [InlineData("authentication_error", UpstreamFailureKind.AuthFailed)]
    [InlineData("invalid_request_error", UpstreamFailureKind.Rejected)]
    [InlineData("not_found_error", UpstreamFailureKind.ModelNotFound)]
    public void An_anthropic_error_event_is_a_classified_failure(string type, UpstreamFailureKind kind)
    {
        var parser = new AnthropicStreamParser();

        Read(parser, $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"Overloaded"}}""").ShouldBe(StreamStep.Error);

        parser.ErrorKind.ShouldBe(kind);
        parser.ErrorMessage.ShouldBe("Overloaded");
    }

    [Fact]
    public void Data_that_is_not_json_is_refused()
    {
        Should.Throw<System.Text.Json.JsonException>(() => Read(new OpenAiStreamParser(), "{\"choices\":["));
        Should.Throw<System.Text.Json.JsonException>(() => Read(new AnthropicStreamParser(), "not json"));
    }

    private static StreamStep Read(ChatStreamParser parser, string data) => parser.Read(Encoding.UTF8.GetBytes(data));
}
