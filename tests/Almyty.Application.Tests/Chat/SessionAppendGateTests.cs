using Almyty.Application.Chat;

namespace Almyty.Application.Tests.Chat;

public sealed class SessionAppendGateTests
{
    private static readonly TimeSpan Moment = TimeSpan.FromMilliseconds(200);

    private readonly SessionAppendGate _gate = new();

    [Fact]
    public async Task A_second_append_to_one_session_waits_until_the_first_has_left()
    {
        var session = Guid.CreateVersion7();
        var first = await _gate.EnterAsync(session, TestContext.Current.CancellationToken);

        var second = _gate.EnterAsync(session, TestContext.Current.CancellationToken);
        await Task.Delay(Moment, TestContext.Current.CancellationToken);
        second.IsCompleted.ShouldBeFalse("the first append is still inside");

        first.Dispose();
        (await second.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken)).Dispose();
        _gate.TrackedSessions.ShouldBe(0);
    }

    [Fact]
    public async Task Appends_to_different_sessions_do_not_wait_for_each_other()
    {
        using var first = await _gate.EnterAsync(Guid.CreateVersion7(), TestContext.Current.CancellationToken);

        var other = _gate.EnterAsync(Guid.CreateVersion7(), TestContext.Current.CancellationToken);

        other.IsCompletedSuccessfully.ShouldBeTrue();
        (await other).Dispose();
    }

    [Fact]
    public async Task A_waiter_that_gives_up_leaves_the_session_to_the_next_and_nothing_behind()
    {
        var session = Guid.CreateVersion7();
        var first = await _gate.EnterAsync(session, TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();
        var gaveUp = _gate.EnterAsync(session, cancel.Token);
        var third = _gate.EnterAsync(session, TestContext.Current.CancellationToken);

        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => gaveUp);
        first.Dispose();
        var pass = await third.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _gate.TrackedSessions.ShouldBe(1);
        pass.Dispose();
        pass.Dispose();

        _gate.TrackedSessions.ShouldBe(0);
        using var again = await _gate.EnterAsync(session, TestContext.Current.CancellationToken);
    }
}
