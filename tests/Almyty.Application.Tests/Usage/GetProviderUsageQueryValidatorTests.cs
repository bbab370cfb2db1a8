using Almyty.Application.Usage.GetProviderUsage;

namespace Almyty.Application.Tests.Usage;

public sealed class GetProviderUsageQueryValidatorTests
{
    private static readonly GetProviderUsageQuery Defaults = new(Guid.NewGuid());

    private readonly GetProviderUsageQueryValidator _validator = new();

    [Fact]
    public void TheDefaults_AreAllTimeByDay()
    {
        Defaults.From.ShouldBeNull();
        Defaults.To.ShouldBeNull();
        Defaults.GroupBy.ShouldBe("day");
        _validator.ShouldBeValid(Defaults);
    }

    [Theory]
    [InlineData("2026-11-26")]
    [InlineData("2026-11-26T10:00Z")]
    [InlineData("2026-11-26T10:00:00Z")]
    [InlineData("2026-11-26t10:00:00z")]
    [InlineData("2026-11-26T10:00:00.5Z")]
    [InlineData("2026-11-26T10:00:00.1234567Z")]
    [InlineData("2026-11-26T10:00:00+02:00")]
    [InlineData("2026-11-26T10:00:00-05:30")]
    [InlineData("2026-11-26T10:00:00 02:00")]
    [InlineData("2024-02-29")]
    public void From_AsADateOrADateTimeWithAnOffset_IsValid(string from) => _validator.ShouldBeValid(Defaults with { From = from });

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-11-26T10:00:00")]
    [InlineData("2026-11-26 10:00:00Z")]
    [InlineData("2026-11-26T10Z")]
    [InlineData("2026-11-26T10:00:00.12345678Z")]
    [InlineData("2026-11-26T10:00:00+0200")]
    [InlineData("2026-11-26T10:00:00+15:00")]
    [InlineData("2026-02-29")]
    [InlineData("2026-11-31")]
    [InlineData("2026-11-26T24:00:00Z")]
    [InlineData("26/11/2026")]
    [InlineData("1764115200")]
    [InlineData(" 2026-11-26")]
    [InlineData("2026-11-26\n")]
    public void From_Malformed_FailsOnFrom(string from) =>
        _validator.ShouldFailOnlyOn(Defaults with { From = from }, "from").ShouldContain("ISO 8601");

    [Theory]
    [InlineData("9999-12-31T23:59:59.9999999Z")]
    [InlineData("9999-12-31T23:59:59.9999995Z")]
    [InlineData("9999-12-31T23:59:59.999999Z")]
    public void A_bound_in_the_last_microsecond_of_9999_IsValid(string bound)
    {
        _validator.ShouldBeValid(Defaults with { From = bound });
        _validator.ShouldBeValid(Defaults with { To = bound });
        _validator.ShouldBeValid(Defaults with { From = "2026-11-26", To = bound });
    }

    [Fact]
    public void To_Malformed_FailsOnTo() =>
        _validator.ShouldFailOnlyOn(Defaults with { To = "2026-13-01" }, "to").ShouldContain("ISO 8601");

    [Theory]
    [InlineData("2026-11-26", "2026-11-27")]
    [InlineData("2026-11-26T00:00:00Z", "2026-11-26T00:00:00.000001Z")]
    [InlineData("2026-11-26T10:00:00+02:00", "2026-11-26T09:00:00Z")]
    [InlineData("2026-11-28T00:43:48.9401251Z", "2026-11-28T00:43:48.9401259Z")]
    [InlineData("9999-12-31T23:59:59.9999995Z", "9999-12-31T23:59:59.9999999Z")]
    public void From_BeforeTo_IsValid(string from, string to) => _validator.ShouldBeValid(Defaults with { From = from, To = to });

    [Theory]
    [InlineData("2026-11-27", "2026-11-26")]
    [InlineData("2026-11-26", "2026-11-26")]
    [InlineData("2026-11-26", "2026-11-26T00:00:00Z")]
    [InlineData("2026-11-26T10:00:00+02:00", "2026-11-26T08:00:00Z")]
    [InlineData("2026-11-28T00:43:48.9401259Z", "2026-11-28T00:43:48.9401251Z")]
    [InlineData("9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z")]
    public void From_NotBeforeTo_FailsOnTo(string from, string to) =>
        _validator.ShouldFailOnlyOn(Defaults with { From = from, To = to }, "to").ShouldContain("later than 'from'");

    [Theory]
    [InlineData("day")]
    [InlineData("model")]
    public void GroupBy_DayOrModel_IsValid(string groupBy) => _validator.ShouldBeValid(Defaults with { GroupBy = groupBy });

    [Theory]
    [InlineData("")]
    [InlineData("Day")]
    [InlineData("week")]
    [InlineData("provider")]
    public void GroupBy_AnythingElse_FailsOnGroupBy(string groupBy) =>
        _validator.ShouldFailOnlyOn(Defaults with { GroupBy = groupBy }, "groupBy").ShouldContain("day, model");
}
