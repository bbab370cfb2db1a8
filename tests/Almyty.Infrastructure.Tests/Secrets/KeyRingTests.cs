using Almyty.Infrastructure.Secrets;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Secrets;

public sealed class KeyRingTests
{
    [Fact]
    public void TryDecodeKey_Of32BytesInBase64_GivesTheBytes()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

        KeyRing.TryDecodeKey(Convert.ToBase64String(bytes), out var key).ShouldBeTrue();

        key.ShouldBe(bytes);
    }

    [Fact]
    public void TryDecodeKey_IgnoresSurroundingWhitespace() =>
        KeyRing.TryDecodeKey("  " + TestKeys.NewKey() + "\n", out _).ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("!!!!")]
    public void TryDecodeKey_OfNothingOrNotBase64_Fails(string? value) => KeyRing.TryDecodeKey(value, out _).ShouldBeFalse();

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(48)]
    public void TryDecodeKey_OfAnyOtherLength_Fails(int bytes) => KeyRing.TryDecodeKey(TestKeys.NewKey(bytes), out _).ShouldBeFalse();

    [Fact]
    public void ANewRing_UsesTheConfiguredActiveKey()
    {
        var ring = new KeyRing(Options.Create(TestKeys.Options("k2", ("k1", TestKeys.NewKey()), ("k2", TestKeys.NewKey()))));

        ring.ActiveKeyId.ShouldBe("k2");
        ring.TryGetKey("k1", out _).ShouldBeTrue();
        ring.TryGetKey("k3", out _).ShouldBeFalse();
    }

    [Fact]
    public void ANewRing_WithAnActiveKeyIdThatIsNotConfigured_Throws() =>
        Should.Throw<InvalidOperationException>(() => new KeyRing(Options.Create(TestKeys.Options("k2", ("k1", TestKeys.NewKey())))))
            .Message.ShouldContain("Secrets__ActiveKeyId");

    [Fact]
    public void ANewRing_WithAMalformedKey_ThrowsNamingTheSetting() =>
        Should.Throw<InvalidOperationException>(() => new KeyRing(Options.Create(TestKeys.Options("k1", ("k1", TestKeys.NewKey(16))))))
            .Message.ShouldContain("Secrets__Keys__k1");
}
