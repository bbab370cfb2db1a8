using Almyty.Application.Sessions.CreateSession;

namespace Almyty.Application.Tests.Sessions;

public sealed class CreateSessionCommandValidatorTests
{
    private static readonly CreateSessionCommand Empty = new(Guid.CreateVersion7());

    private readonly CreateSessionCommandValidator _validator = new();

    [Fact]
    public void ACommandWithoutTitleOrPrompt_IsValid() => _validator.ShouldBeValid(Empty);

    [Fact]
    public void ATitleOf200CharactersAfterTrimmingAndAPromptOf32000_AreValid() =>
        _validator.ShouldBeValid(Empty with { Title = "  " + new string('t', 200) + "  ", SystemPrompt = new string('p', 32_000) });

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Title_Blank_FailsOnTitle(string title) =>
        _validator.ShouldFailOnlyOn(Empty with { Title = title }, "title").ShouldBe("'title' must be 1 to 200 characters after trimming; send null for no title.");

    [Fact]
    public void Title_Of201Characters_FailsOnTitle() =>
        _validator.ShouldFailOnlyOn(Empty with { Title = new string('t', 201) }, "title");

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    public void Title_WithAControlCharacter_FailsOnTitle(string title) =>
        _validator.ShouldFailOnlyOn(Empty with { Title = title }, "title").ShouldBe("'title' must not contain control characters.");

    [Theory]
    [InlineData("")]
    [InlineData(" \t\n")]
    public void SystemPrompt_Blank_FailsOnSystemPrompt(string prompt) =>
        _validator.ShouldFailOnlyOn(Empty with { SystemPrompt = prompt }, "systemPrompt").ShouldBe("'systemPrompt' must not be empty or blank; send null to use the provider's.");

    [Fact]
    public void SystemPrompt_WithANulCharacter_FailsOnSystemPrompt() =>
        _validator.ShouldFailOnlyOn(Empty with { SystemPrompt = "Be\0brief." }, "systemPrompt").ShouldBe("'systemPrompt' must not contain the NUL character (U+0000).");

    [Fact]
    public void SystemPrompt_Of32001Characters_FailsOnSystemPrompt() =>
        _validator.ShouldFailOnlyOn(Empty with { SystemPrompt = new string('p', 32_001) }, "systemPrompt").ShouldBe("'systemPrompt' must be at most 32000 characters.");
}
