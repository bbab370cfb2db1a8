using Almyty.Application.Usage.GetProviderUsage;

namespace Almyty.Application.Tests.Usage;

public sealed class UsageWindowTests
{
    [Fact]
    public void Absent_IsNoBound()
    {
        UsageWindow.TryParse(null, out var value).ShouldBeTrue();
        value.ShouldBeNull();
    }

    [Fact]
    public void A_date_is_midnight_utc()
    {
        UsageWindow.TryParse("2026-11-26", out var value).ShouldBeTrue();
        value.ShouldBe(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        value!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("2026-11-26T12:30:00+02:00")]
    [InlineData("2026-11-26T12:30:00 02:00")]
    [InlineData("2026-11-26T05:30:00-05:00")]
    [InlineData("2026-11-26T10:30Z")]
    public void A_date_time_is_resolved_to_utc(string raw)
    {
        UsageWindow.TryParse(raw, out var value).ShouldBeTrue();
        value.ShouldBe(new DateTimeOffset(2026, 11, 26, 10, 30, 0, TimeSpan.Zero));
        value!.Value.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_bound_is_read_as_sent_to_the_tick()
    {
        UsageWindow.TryParse("2026-11-26T10:00:00.0000001Z", out var value).ShouldBeTrue();
        value.ShouldBe(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(1));
    }

    [Fact]
    public void A_bound_between_two_microseconds_moves_up_to_the_next()
    {
        UsageWindow.TryCeilingToMicrosecond(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(1), out var ceiling).ShouldBeTrue();
        ceiling.ShouldBe(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(10));
    }

    [Fact]
    public void A_whole_microsecond_is_kept()
    {
        UsageWindow.TryParse("2026-11-26T10:00:00.000001Z", out var value).ShouldBeTrue();
        UsageWindow.TryCeilingToMicrosecond(value!.Value, out var ceiling).ShouldBeTrue();
        ceiling.ShouldBe(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero).AddTicks(10));
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("9999-12-31T23:59:59.9999995Z")]
    [InlineData("9999-12-31T23:59:59.9999991Z")]
    public void A_bound_in_the_last_microsecond_of_9999_has_no_ceiling(string raw)
    {
        UsageWindow.TryParse(raw, out var value).ShouldBeTrue();
        UsageWindow.TryCeilingToMicrosecond(value!.Value, out _).ShouldBeFalse();
    }

    [Fact]
    public void The_last_whole_microsecond_of_9999_is_its_own_ceiling()
    {
        UsageWindow.TryParse("9999-12-31T23:59:59.999999Z", out var value).ShouldBeTrue();
        UsageWindow.TryCeilingToMicrosecond(value!.Value, out var ceiling).ShouldBeTrue();
        ceiling.ShouldBe(DateTimeOffset.MaxValue.AddTicks(-9));
    }
}
