namespace Almyty.Infrastructure.Tests;

public sealed class ExceptionChainTests
{
    [Fact]
    public void Find_returns_the_outermost_exception_of_the_type_however_deep()
    {
        var cause = new TimeoutException("inner");
        var wrapped = new InvalidOperationException("middle", new TimeoutException("outer", cause));

        var found = ExceptionChain.Find<TimeoutException>(new HttpRequestException("top", wrapped));

        found.ShouldNotBeNull().Message.ShouldBe("outer");
    }

    [Fact]
    public void Find_returns_null_when_no_exception_of_the_chain_has_the_type()
    {
        ExceptionChain.Find<TimeoutException>(new HttpRequestException("top", new InvalidOperationException("inner"))).ShouldBeNull();
    }

    [Fact]
    public void Of_lists_the_exception_first_then_each_inner_one()
    {
        var inner = new InvalidOperationException("inner");
        var outer = new HttpRequestException("outer", inner);

        ExceptionChain.Of(outer).ShouldBe([outer, inner]);
    }
}
