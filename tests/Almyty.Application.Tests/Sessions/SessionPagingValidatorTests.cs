using Almyty.Application.Sessions.GetSession;
using Almyty.Application.Sessions.ListSessions;

namespace Almyty.Application.Tests.Sessions;

public sealed class SessionPagingValidatorTests
{
    private static readonly Guid Provider = Guid.CreateVersion7();

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 100)]
    [InlineData(int.MaxValue, 20)]
    public void List_WithinRange_IsValid(int page, int limit) => new ListSessionsQueryValidator().ShouldBeValid(new ListSessionsQuery(Provider, page, limit));

    [Theory]
    [InlineData(0, 20, "page")]
    [InlineData(-3, 20, "page")]
    [InlineData(1, 0, "limit")]
    [InlineData(1, 101, "limit")]
    public void List_OutOfRange_FailsOnThatParameter(int page, int limit, string field) =>
        new ListSessionsQueryValidator().ShouldFailOnlyOn(new ListSessionsQuery(Provider, page, limit), field);

    [Fact]
    public void List_Defaults_ArePage1AndLimit20()
    {
        var query = new ListSessionsQuery(Provider);

        query.Page.ShouldBe(1);
        query.Limit.ShouldBe(20);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 500)]
    public void Get_WithinRange_IsValid(int page, int limit) =>
        new GetSessionQueryValidator().ShouldBeValid(new GetSessionQuery(Provider, Guid.CreateVersion7(), page, limit));

    [Theory]
    [InlineData(0, 100, "page")]
    [InlineData(1, 0, "limit")]
    [InlineData(1, 501, "limit")]
    public void Get_OutOfRange_FailsOnThatParameter(int page, int limit, string field) =>
        new GetSessionQueryValidator().ShouldFailOnlyOn(new GetSessionQuery(Provider, Guid.CreateVersion7(), page, limit), field)
            .ShouldBe(field == "page" ? "'page' must be 1 or more." : "'limit' must be between 1 and 500.");

    [Fact]
    public void Get_Defaults_ArePage1AndLimit100()
    {
        var query = new GetSessionQuery(Provider, Guid.CreateVersion7());

        query.Page.ShouldBe(1);
        query.Limit.ShouldBe(100);
    }
}
