namespace Almyty.Domain.Providers;

/// <summary>A secret sealed by the key named <see cref="KeyId"/>; the plaintext never lives in the domain.</summary>
public sealed record EncryptedSecret(string KeyId, byte[] Ciphertext)
{
    public bool Equals(EncryptedSecret? other) =>
        other is not null && KeyId == other.KeyId && Ciphertext.AsSpan().SequenceEqual(other.Ciphertext);

    public override int GetHashCode() => HashCode.Combine(KeyId, Ciphertext.Length);
}
