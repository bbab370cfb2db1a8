using Almyty.Application.Sessions.UpdateSession;
using Almyty.Domain.Common;

namespace Almyty.Application.Tests.Sessions;

public sealed class UpdateSessionCommandValidatorTests
{
    private static readonly UpdateSessionCommand Empty = new(Guid.CreateVersion7(), Guid.CreateVersion7());

    private readonly UpdateSessionCommandValidator _validator = new();

    [Fact]
    public void ACommandNamingNoField_IsValid() => _validator.ShouldBeValid(Empty);

    [Fact]
    public void NullForBoth_IsValid_AndMeansClear() =>
        _validator.ShouldBeValid(Empty with { Title = new Optional<string?>(null), SystemPrompt = new Optional<string?>(null) });

    [Fact]
    public void Title_Blank_FailsOnTitle() => _validator.ShouldFailOnlyOn(Empty with { Title = " " }, "title");

    [Fact]
    public void Title_TooLong_FailsOnTitle() => _validator.ShouldFailOnlyOn(Empty with { Title = new string('t', 201) }, "title");

    [Fact]
    public void SystemPrompt_Empty_FailsOnSystemPrompt() => _validator.ShouldFailOnlyOn(Empty with { SystemPrompt = string.Empty }, "systemPrompt");

    [Fact]
    public void SystemPrompt_TooLong_FailsOnSystemPrompt() =>
        _validator.ShouldFailOnlyOn(Empty with { SystemPrompt = new string('p', 32_001) }, "systemPrompt");

    [Fact]
    public void BothInvalid_AreReportedTogether()
    {
        var errors = _validator.Errors(Empty with { Title = string.Empty, SystemPrompt = string.Empty });

        errors.Select(e => e.Field).Distinct().Order(StringComparer.Ordinal).ShouldBe(["systemPrompt", "title"]);
    }
}
