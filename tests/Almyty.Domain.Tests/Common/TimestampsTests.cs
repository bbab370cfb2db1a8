using Almyty.Domain.Common;

namespace Almyty.Domain.Tests.Common;

public sealed class TimestampsTests
{
    private static readonly DateTimeOffset Base = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(9, 0)]
    [InlineData(10, 10)]
    [InlineData(1_234_567, 1_234_560)]
    public void ToStoragePrecision_TruncatesToWholeMicroseconds(long ticks, long expectedTicks) =>
        Base.AddTicks(ticks).ToStoragePrecision().ShouldBe(Base.AddTicks(expectedTicks));

    [Fact]
    public void ToStoragePrecision_OfAMicrosecondPreciseValue_ChangesNothing()
    {
        var value = Base.AddTicks(1_234_560);

        value.ToStoragePrecision().UtcTicks.ShouldBe(value.UtcTicks);
    }

    [Fact]
    public void ToStoragePrecision_ConvertsToUtc()
    {
        var local = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(5);

        var stored = local.ToStoragePrecision();

        stored.Offset.ShouldBe(TimeSpan.Zero);
        stored.UtcDateTime.ShouldBe(Base.UtcDateTime);
    }
}
