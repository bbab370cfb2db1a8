using Almyty.Domain.Chat;

namespace Almyty.Domain.Tests.Chat;

public sealed class ChatSessionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Now.AddMinutes(5);

    private static ChatSession NewSession(string? title = "Title", string? systemPrompt = "Prompt.") =>
        ChatSession.Start(Guid.CreateVersion7(), "org-1", Guid.CreateVersion7(), title, systemPrompt, Now);

    [Fact]
    public void Start_TrimsTheTitleAndStartsEmpty()
    {
        var session = NewSession("  Trip  ", "Be brief.");

        session.Title.ShouldBe("Trip");
        session.SystemPrompt.ShouldBe("Be brief.");
        session.MessageCount.ShouldBe(0);
        session.TotalTokens.ShouldBe(0);
        session.TotalCost.ShouldBe(0m);
        session.CreatedAt.ShouldBe(Now);
        session.UpdatedAt.ShouldBe(Now);
        session.LastActivityAt.ShouldBe(Now);
    }

    [Fact]
    public void Start_WithoutTitleOrPrompt_KeepsBothNull()
    {
        var session = NewSession(null, null);

        session.Title.ShouldBeNull();
        session.SystemPrompt.ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Tab\there")]
    [InlineData("Line\u2028separator")]
    [InlineData("Paragraph\u2029separator")]
    public void Start_WithATitleThatCannotBeStored_Throws(string title) =>
        Should.Throw<ArgumentException>(() => NewSession(title));

    [Fact]
    public void Start_WithATitleOverTheLimit_Throws() =>
        Should.Throw<ArgumentException>(() => NewSession(new string('t', ChatRules.TitleMaxLength + 1)));

    [Fact]
    public void Start_WithATitleAtTheLimitAfterTrimming_Succeeds() =>
        NewSession("  " + new string('t', ChatRules.TitleMaxLength) + "  ").Title!.Length.ShouldBe(ChatRules.TitleMaxLength);

    [Theory]
    [InlineData("")]
    [InlineData(" \n ")]
    public void Start_WithABlankSystemPrompt_Throws(string prompt) =>
        Should.Throw<ArgumentException>(() => NewSession(systemPrompt: prompt));

    [Fact]
    public void Start_WithASystemPromptOverTheProviderLimit_Throws()
    {
        ChatRules.SystemPromptMaxLength.ShouldBe(Almyty.Domain.Providers.ProviderRules.SystemPromptMaxLength);
        Should.Throw<ArgumentException>(() => NewSession(systemPrompt: new string('p', ChatRules.SystemPromptMaxLength + 1)));
        NewSession(systemPrompt: new string('p', ChatRules.SystemPromptMaxLength)).SystemPrompt!.Length.ShouldBe(ChatRules.SystemPromptMaxLength);
    }

    [Fact]
    public void Rename_TrimsAndStampsUpdatedAtButNotActivity()
    {
        var session = NewSession();

        session.Rename("  New name ", Later.AddTicks(7));

        session.Title.ShouldBe("New name");
        session.UpdatedAt.ShouldBe(Later, "stored to the microsecond");
        session.LastActivityAt.ShouldBe(Now);
        session.SystemPrompt.ShouldBe("Prompt.");
    }

    [Fact]
    public void Rename_ToNull_ClearsTheTitle()
    {
        var session = NewSession();

        session.Rename(null, Later);

        session.Title.ShouldBeNull();
    }

    [Fact]
    public void Rename_ToABlankTitle_ThrowsAndKeepsTheOldOne()
    {
        var session = NewSession();

        Should.Throw<ArgumentException>(() => session.Rename("  ", Later));

        session.Title.ShouldBe("Title");
        session.UpdatedAt.ShouldBe(Now);
    }

    [Fact]
    public void ChangeSystemPrompt_SetsOrClearsItAndLeavesTheRestAlone()
    {
        var session = NewSession();
        session.AppendTurn(Guid.CreateVersion7(), "Hi", Guid.CreateVersion7(), "Hello", 10, 0.5m, Now.AddMinutes(1));

        session.ChangeSystemPrompt("  Kept as sent.  ", Later);

        session.SystemPrompt.ShouldBe("  Kept as sent.  ");
        session.UpdatedAt.ShouldBe(Later);
        session.LastActivityAt.ShouldBe(Now.AddMinutes(1));
        session.MessageCount.ShouldBe(2);
        session.TotalTokens.ShouldBe(10);
        session.TotalCost.ShouldBe(0.5m);

        session.ChangeSystemPrompt(null, Later.AddMinutes(1));
        session.SystemPrompt.ShouldBeNull();
    }

    [Fact]
    public void ChangeSystemPrompt_ToABlankOne_Throws() =>
        Should.Throw<ArgumentException>(() => NewSession().ChangeSystemPrompt(string.Empty, Later));

    [Fact]
    public void AppendTurn_CountsAndMarksActivity()
    {
        var session = NewSession();

        var (user, assistant) = session.AppendTurn(Guid.CreateVersion7(), "Q", Guid.CreateVersion7(), "A", 19, 0.25m, Later);
        session.AppendTurn(Guid.CreateVersion7(), "Q2", Guid.CreateVersion7(), "A2", 1, 0.5m, Later.AddMinutes(1));

        user.Sequence.ShouldBe(1);
        assistant.Sequence.ShouldBe(2);
        session.MessageCount.ShouldBe(4);
        session.TotalTokens.ShouldBe(20);
        session.TotalCost.ShouldBe(0.75m);
        session.LastActivityAt.ShouldBe(Later.AddMinutes(1));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("Ok", true)]
    [InlineData(" padded ", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("bell\a", false)]
    public void IsValidTitle_FollowsTheStoredForm(string? title, bool valid) => ChatSession.IsValidTitle(title).ShouldBe(valid);
}
