using Almyty.Application.Chat.SendChatMessage;
using Almyty.Application.Chat.StreamChatMessage;

namespace Almyty.Application.Tests.Chat;

/// <summary>A streamed chat is validated by exactly the rules of a plain one.</summary>
public sealed class ChatMessageRulesTests
{
    private static readonly SendChatMessageCommandValidator Plain = new();
    private static readonly StreamChatMessageCommandValidator Streamed = new();

    private const string Emoji = "\U0001F600"; // one character, two UTF-16 units

    public static TheoryData<string, string?, string?, double?, int?, double?, string[]?> Invalid => new()
    {
        { "message", null, null, null, null, null, null },
        { "message", string.Empty, null, null, null, null, null },
        { "message", new string('m', 100_001), null, null, null, null, null },
        { "message", string.Concat(Enumerable.Repeat(Emoji, 100_001)), null, null, null, null, null },
        { "model", "Hi", "has space", null, null, null, null },
        { "temperature", "Hi", null, 2.5, null, null, null },
        { "maxTokens", "Hi", null, null, 0, null, null },
        { "topP", "Hi", null, null, null, 1.5, null },
        { "stop", "Hi", null, null, null, null, ["a", "b", "c", "d", "e"] },
        { "stop", "Hi", null, null, null, null, [string.Empty] },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Both_validators_refuse_the_same_field_with_the_same_message(string field, string? message, string? model, double? temperature, int? maxTokens, double? topP, string[]? stop)
    {
        var providerId = Guid.NewGuid();

        var plain = Plain.ShouldFailOnlyOn(new SendChatMessageCommand(providerId, message, null, model, null, temperature, maxTokens, topP, stop), field);
        var streamed = Streamed.ShouldFailOnlyOn(new StreamChatMessageCommand(providerId, message, null, model, null, temperature, maxTokens, topP, stop), field);

        streamed.ShouldBe(plain);
    }

    [Theory]
    [InlineData("message", "a\0b", null, null, "'message' must not contain the NUL character (U+0000).")]
    [InlineData("systemPrompt", "Hi", "Be\0brief.", null, "'systemPrompt' must not contain the NUL character (U+0000).")]
    [InlineData("stop", "Hi", null, "a\0b", "A 'stop' string must not contain the NUL character (U+0000).")]
    public void Text_that_cannot_be_stored_is_refused_by_both(string field, string message, string? systemPrompt, string? stop, string expected)
    {
        string[]? stops = stop is null ? null : [stop];

        Plain.ShouldFailOnlyOn(new SendChatMessageCommand(Guid.NewGuid(), message, null, null, systemPrompt, null, null, null, stops), field).ShouldBe(expected);
        Streamed.ShouldFailOnlyOn(new StreamChatMessageCommand(Guid.NewGuid(), message, null, null, systemPrompt, null, null, null, stops), field).ShouldBe(expected);
    }

    [Fact]
    public void Limits_count_characters_not_utf16_units()
    {
        var message = string.Concat(Enumerable.Repeat(Emoji, 100_000));
        var prompt = string.Concat(Enumerable.Repeat(Emoji, 32_000));

        Plain.ShouldBeValid(new SendChatMessageCommand(Guid.NewGuid(), message, null, null, prompt, null, null, null, [string.Concat(Enumerable.Repeat(Emoji, 100))]));
        Streamed.ShouldBeValid(new StreamChatMessageCommand(Guid.NewGuid(), message, null, null, prompt, null, null, null, null));
    }

    [Fact]
    public void A_valid_message_is_valid_for_both()
    {
        Plain.ShouldBeValid(new SendChatMessageCommand(Guid.NewGuid(), "Hi", Guid.NewGuid(), "gpt-4o", "Be brief.", 1, 100, 0.9, ["END"]));
        Streamed.ShouldBeValid(new StreamChatMessageCommand(Guid.NewGuid(), "Hi", Guid.NewGuid(), "gpt-4o", "Be brief.", 1, 100, 0.9, ["END"]));
    }
}
