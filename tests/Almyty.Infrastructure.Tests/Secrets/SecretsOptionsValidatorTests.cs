using Almyty.Infrastructure.Secrets;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Secrets;

public sealed class SecretsOptionsValidatorTests
{
    private readonly SecretsOptionsValidator _validator = new();

    [Fact]
    public void OneValidKeyThatIsActive_Succeeds() =>
        _validator.Validate(Options.DefaultName, TestKeys.Options("k1", ("k1", TestKeys.NewKey()))).Succeeded.ShouldBeTrue();

    [Fact]
    public void SeveralValidKeys_Succeed() =>
        _validator.Validate(null, TestKeys.Options("2026-02", ("2026-01", TestKeys.NewKey()), ("2026-02", TestKeys.NewKey()), ("v1.key_A", TestKeys.NewKey())))
            .Succeeded.ShouldBeTrue();

    [Fact]
    public void NoKeys_FailsNamingTheKeysSetting()
    {
        var failures = Failures(new SecretsOptions { ActiveKeyId = "k1" });

        failures.ShouldHaveSingleItem().ShouldContain("Secrets__Keys__");
    }

    [Fact]
    public void NothingConfigured_FailsNamingBothSettings()
    {
        var failures = Failures(new SecretsOptions());

        failures.ShouldContain(f => f.Contains("Secrets__Keys__", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Secrets__ActiveKeyId", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AMissingActiveKeyId_FailsNamingTheActiveKeyIdSetting(string? activeKeyId)
    {
        var options = TestKeys.Options("k1", ("k1", TestKeys.NewKey()));
        options.ActiveKeyId = activeKeyId;

        Failures(options).ShouldHaveSingleItem().ShouldContain("Secrets__ActiveKeyId");
    }

    [Fact]
    public void AnActiveKeyIdThatIsNotConfigured_FailsNamingBothSettings()
    {
        var failure = Failures(TestKeys.Options("k2", ("k1", TestKeys.NewKey()))).ShouldHaveSingleItem();

        failure.ShouldContain("Secrets__ActiveKeyId");
        failure.ShouldContain("Secrets__Keys__k2");
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void AKeyThatIsNot32Bytes_FailsNamingItsSetting(int bytes) =>
        Failures(TestKeys.Options("k1", ("k1", TestKeys.NewKey(bytes)))).ShouldHaveSingleItem().ShouldContain("Secrets__Keys__k1 must be exactly 32 bytes");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not base64 at all!")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public void AKeyThatIsNotBase64Of32Bytes_FailsNamingItsSetting(string key) =>
        Failures(TestKeys.Options("k1", ("k1", key))).ShouldHaveSingleItem().ShouldContain("Secrets__Keys__k1");

    [Fact]
    public void AnInvalidKey_IsNotEchoedInTheFailure()
    {
        const string leaked = "c2VjcmV0LWtleS1tYXRlcmlhbA==";

        Failures(TestKeys.Options("k1", ("k1", leaked))).ShouldAllBe(f => !f.Contains(leaked, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("k/1")]
    [InlineData("k@1")]
    [InlineData("ключ")]
    public void AKeyIdWithCharactersOtherThanLettersDigitsDashUnderscoreOrDot_FailsNamingItsSetting(string keyId) =>
        Failures(TestKeys.Options(keyId, (keyId, TestKeys.NewKey()))).ShouldHaveSingleItem().ShouldContain($"Secrets__Keys__{keyId}");

    [Fact]
    public void AKeyIdLongerThan64Characters_Fails()
    {
        var keyId = new string('k', 65);

        Failures(TestKeys.Options(keyId, (keyId, TestKeys.NewKey()))).ShouldHaveSingleItem().ShouldContain("at most 64");
    }

    [Fact]
    public void AKeyIdOf64Characters_Succeeds()
    {
        var keyId = new string('k', 64);

        _validator.Validate(null, TestKeys.Options(keyId, (keyId, TestKeys.NewKey()))).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void EveryProblem_IsReported()
    {
        var failures = Failures(TestKeys.Options("missing", ("ok", TestKeys.NewKey()), ("short", TestKeys.NewKey(8)), ("bad id", TestKeys.NewKey())));

        failures.Count.ShouldBe(3);
        failures.ShouldContain(f => f.Contains("Secrets__ActiveKeyId", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Secrets__Keys__short", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Secrets__Keys__bad id", StringComparison.Ordinal));
    }

    private List<string> Failures(SecretsOptions options)
    {
        var result = _validator.Validate(Options.DefaultName, options);
        result.Failed.ShouldBeTrue();
        return [.. result.Failures!];
    }
}
