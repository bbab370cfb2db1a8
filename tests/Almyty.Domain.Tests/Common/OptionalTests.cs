using Almyty.Domain.Common;

namespace Almyty.Domain.Tests.Common;

public sealed class OptionalTests
{
    [Fact]
    public void Default_IsAbsent()
    {
        var optional = default(Optional<string>);

        optional.HasValue.ShouldBeFalse();
        optional.ShouldBe(Optional<string>.Absent);
    }

    [Fact]
    public void Value_OfAnAbsentOptional_Throws() =>
        Should.Throw<InvalidOperationException>(() => Optional<int>.Absent.Value);

    [Fact]
    public void GetValueOrDefault_OfAnAbsentOptional_GivesTheFallback() =>
        Optional<string>.Absent.GetValueOrDefault("fallback").ShouldBe("fallback");

    [Fact]
    public void AValue_IsPresent()
    {
        Optional<string> optional = "value";

        optional.HasValue.ShouldBeTrue();
        optional.Value.ShouldBe("value");
        optional.GetValueOrDefault("fallback").ShouldBe("value");
    }

    [Fact]
    public void APresentNull_IsDistinctFromAbsent()
    {
        var optional = new Optional<string?>(null);

        optional.HasValue.ShouldBeTrue();
        optional.Value.ShouldBeNull();
        optional.GetValueOrDefault("fallback").ShouldBeNull();
        optional.ShouldNotBe(Optional<string?>.Absent);
    }

    [Fact]
    public void APresentDefaultValue_IsDistinctFromAbsent() =>
        new Optional<int>(0).ShouldNotBe(Optional<int>.Absent);

    [Fact]
    public void TwoOptionalsOfTheSameValue_AreEqual() =>
        new Optional<int>(5).ShouldBe((Optional<int>)5);
}
