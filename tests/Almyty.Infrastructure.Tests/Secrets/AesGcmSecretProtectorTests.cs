using System.Security.Cryptography;
using System.Text;
using Almyty.Domain.Providers;
using Almyty.Infrastructure.Secrets;

namespace Almyty.Infrastructure.Tests.Secrets;

public sealed class AesGcmSecretProtectorTests
{
    private const string ApiKey = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
    private const int HeaderSize = 1 + 12 + 16;

    private static readonly Guid Owner = Guid.CreateVersion7();
    private static readonly string Key1 = TestKeys.NewKey();
    private static readonly string Key2 = TestKeys.NewKey();

    private readonly AesGcmSecretProtector _protector = TestKeys.Protector("k1", ("k1", Key1));

    [Theory]
    [InlineData(ApiKey)]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("ключ-🔑-密钥")]
    public void Unprotect_OfWhatProtectSealed_GivesBackThePlaintext(string plaintext) =>
        _protector.Unprotect(_protector.Protect(plaintext, Owner), Owner).ShouldBe(plaintext);

    [Fact]
    public void Unprotect_OfAMaximumLengthKey_GivesItBack()
    {
        var plaintext = new string('k', ProviderRules.ApiKeyMaxLength);

        _protector.Unprotect(_protector.Protect(plaintext, Owner), Owner).ShouldBe(plaintext);
    }

    [Fact]
    public void Protect_SealsUnderTheActiveKeyIdWithoutThePlaintextInTheCiphertext()
    {
        var secret = _protector.Protect(ApiKey, Owner);

        secret.KeyId.ShouldBe("k1");
        secret.Ciphertext.Length.ShouldBe(HeaderSize + Encoding.UTF8.GetByteCount(ApiKey));
        secret.Ciphertext[0].ShouldBe((byte)1);
        Encoding.UTF8.GetString(secret.Ciphertext).ShouldNotContain("abcdefghijklmnop");
        secret.Ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(ApiKey)).ShouldBe(-1);
    }

    [Fact]
    public void Protect_TheSamePlaintextTwice_GivesDifferentCiphertextsThatBothOpen()
    {
        var first = _protector.Protect(ApiKey, Owner);
        var second = _protector.Protect(ApiKey, Owner);

        first.Ciphertext.ShouldNotBe(second.Ciphertext);
        first.Ciphertext.AsSpan(1, 12).SequenceEqual(second.Ciphertext.AsSpan(1, 12)).ShouldBeFalse("the nonces must differ");
        _protector.Unprotect(first, Owner).ShouldBe(ApiKey);
        _protector.Unprotect(second, Owner).ShouldBe(ApiKey);
    }

    [Fact]
    public void Unprotect_WithAnotherOwnerId_Fails()
    {
        var secret = _protector.Protect(ApiKey, Owner);

        Should.Throw<CryptographicException>(() => _protector.Unprotect(secret, Guid.CreateVersion7()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(-1)]
    public void Unprotect_AfterAnyByteIsTampered_Fails(int offset)
    {
        var secret = _protector.Protect(ApiKey, Owner);
        var tampered = (byte[])secret.Ciphertext.Clone();
        var index = offset < 0 ? tampered.Length + offset : offset;
        tampered[index] ^= 0x01;

        Should.Throw<CryptographicException>(() => _protector.Unprotect(secret with { Ciphertext = tampered }, Owner));
    }

    [Fact]
    public void Unprotect_OfATruncatedCiphertext_Fails()
    {
        var secret = _protector.Protect(ApiKey, Owner);

        Should.Throw<CryptographicException>(() => _protector.Unprotect(secret with { Ciphertext = secret.Ciphertext[..(HeaderSize - 1)] }, Owner));
        Should.Throw<CryptographicException>(() => _protector.Unprotect(secret with { Ciphertext = secret.Ciphertext[..^1] }, Owner));
    }

    [Fact]
    public void Unprotect_OfASecretRelabelledWithAnUnknownKeyId_Fails()
    {
        var secret = _protector.Protect(ApiKey, Owner);

        var exception = Should.Throw<CryptographicException>(() => _protector.Unprotect(secret with { KeyId = "k9" }, Owner));
        exception.Message.ShouldContain("k9");
        exception.Message.ShouldNotContain(ApiKey);
    }

    [Fact]
    public void Unprotect_OfASecretRelabelledWithAnotherConfiguredKey_Fails()
    {
        var protector = TestKeys.Protector("k1", ("k1", Key1), ("k2", Key2));
        var secret = protector.Protect(ApiKey, Owner);

        Should.Throw<CryptographicException>(() => protector.Unprotect(secret with { KeyId = "k2" }, Owner));
    }

    [Fact]
    public void Unprotect_OfASecretRelabelledWithAnotherIdForTheSameKeyMaterial_FailsBecauseTheKeyIdIsAuthenticated()
    {
        var protector = TestKeys.Protector("k1", ("k1", Key1), ("alias", Key1));
        var secret = protector.Protect(ApiKey, Owner);

        Should.Throw<CryptographicException>(() => protector.Unprotect(secret with { KeyId = "alias" }, Owner));
    }

    [Fact]
    public void Unprotect_UnderADifferentKeyWithTheSameId_Fails()
    {
        var secret = _protector.Protect(ApiKey, Owner);
        var otherRing = TestKeys.Protector("k1", ("k1", Key2));

        Should.Throw<CryptographicException>(() => otherRing.Unprotect(secret, Owner));
    }

    [Fact]
    public void Rotation_OldSecretsStillOpenAfterTheActiveKeyMovesToANewKey()
    {
        var before = TestKeys.Protector("k1", ("k1", Key1));
        var old = before.Protect(ApiKey, Owner);

        var after = TestKeys.Protector("k2", ("k1", Key1), ("k2", Key2));
        var fresh = after.Protect(ApiKey, Owner);

        after.Unprotect(old, Owner).ShouldBe(ApiKey);
        fresh.KeyId.ShouldBe("k2");
        after.Unprotect(fresh, Owner).ShouldBe(ApiKey);
    }

    [Fact]
    public void Rotation_ASecretSealedUnderTheNewKeyDoesNotOpenWithTheOldRing()
    {
        var fresh = TestKeys.Protector("k2", ("k1", Key1), ("k2", Key2)).Protect(ApiKey, Owner);

        Should.Throw<CryptographicException>(() => TestKeys.Protector("k1", ("k1", Key1)).Unprotect(fresh, Owner));
    }

    [Fact]
    public void IsSealedWithActiveKey_IsTrueOnlyForSecretsUnderTheActiveKey()
    {
        var old = TestKeys.Protector("k1", ("k1", Key1)).Protect(ApiKey, Owner);
        var rotated = TestKeys.Protector("k2", ("k1", Key1), ("k2", Key2));
        var fresh = rotated.Protect(ApiKey, Owner);

        rotated.IsSealedWithActiveKey(old).ShouldBeFalse();
        rotated.IsSealedWithActiveKey(fresh).ShouldBeTrue();
        TestKeys.Protector("k1", ("k1", Key1)).IsSealedWithActiveKey(old).ShouldBeTrue();
    }

    [Fact]
    public void Resealing_AnOldSecretUnderTheActiveKey_KeepsThePlaintext()
    {
        var old = TestKeys.Protector("k1", ("k1", Key1)).Protect(ApiKey, Owner);
        var rotated = TestKeys.Protector("k2", ("k1", Key1), ("k2", Key2));

        var resealed = rotated.Protect(rotated.Unprotect(old, Owner), Owner);

        rotated.IsSealedWithActiveKey(resealed).ShouldBeTrue();
        rotated.Unprotect(resealed, Owner).ShouldBe(ApiKey);
    }

    [Fact]
    public void Protect_NullPlaintext_Throws() => Should.Throw<ArgumentNullException>(() => _protector.Protect(null!, Owner));
}
