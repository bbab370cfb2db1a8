using System.Security.Cryptography;
using System.Text;
using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Providers;

namespace Almyty.Infrastructure.Secrets;

/// <summary>
/// AES-256-GCM with a random 96-bit nonce per secret. The associated data binds the key id and the owner's id,
/// so a ciphertext copied to another row, or relabelled with another key id, fails authentication.
/// Layout: format version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
internal sealed class AesGcmSecretProtector(KeyRing keyRing) : ISecretProtector
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    public EncryptedSecret Protect(string plaintext, Guid ownerId)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var keyId = keyRing.ActiveKeyId;
        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[HeaderSize + plainBytes.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        using var aes = new AesGcm(keyRing.ActiveKey, TagSize);
        aes.Encrypt(nonce, plainBytes, output.AsSpan(HeaderSize), output.AsSpan(1 + NonceSize, TagSize), AssociatedData(keyId, ownerId));
        CryptographicOperations.ZeroMemory(plainBytes);
        return new EncryptedSecret(keyId, output);
    }

    public string Unprotect(EncryptedSecret secret, Guid ownerId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (!keyRing.TryGetKey(secret.KeyId, out var key))
        {
            throw new CryptographicException($"The secret was sealed with key '{secret.KeyId}', which is not configured.");
        }

        var data = secret.Ciphertext;
        if (data.Length < HeaderSize || data[0] != FormatVersion)
        {
            throw new CryptographicException("The sealed secret is malformed.");
        }

        var plainBytes = new byte[data.Length - HeaderSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(data.AsSpan(1, NonceSize), data.AsSpan(HeaderSize), data.AsSpan(1 + NonceSize, TagSize), plainBytes, AssociatedData(secret.KeyId, ownerId));
            return Encoding.UTF8.GetString(plainBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    public bool IsSealedWithActiveKey(EncryptedSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return secret.KeyId == keyRing.ActiveKeyId;
    }

    private static byte[] AssociatedData(string keyId, Guid ownerId) =>
        Encoding.UTF8.GetBytes($"almyty/provider-api-key/v1|{keyId}|{ownerId:D}");
}
