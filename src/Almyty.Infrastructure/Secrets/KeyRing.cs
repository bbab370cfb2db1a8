using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Secrets;

/// <summary>The decoded key-encryption keys, with the one that seals new secrets.</summary>
internal sealed class KeyRing
{
    public const int KeySizeInBytes = 32;

    private readonly FrozenDictionary<string, byte[]> _keys;

    public KeyRing(IOptions<SecretsOptions> options)
    {
        var value = options.Value;
        _keys = value.Keys.ToFrozenDictionary(
            pair => pair.Key,
            pair => TryDecodeKey(pair.Value, out var key) ? key : throw new InvalidOperationException($"Secrets__Keys__{pair.Key} is not a 32-byte base64 key."),
            StringComparer.Ordinal);
        ActiveKeyId = value.ActiveKeyId ?? throw new InvalidOperationException("Secrets__ActiveKeyId is not set.");
        if (!_keys.ContainsKey(ActiveKeyId))
        {
            throw new InvalidOperationException($"Secrets__ActiveKeyId names '{ActiveKeyId}', which is not configured.");
        }
    }

    public string ActiveKeyId { get; }

    public byte[] ActiveKey => _keys[ActiveKeyId];

    public bool TryGetKey(string keyId, out byte[] key) => _keys.TryGetValue(keyId, out key!);

    public static bool TryDecodeKey(string? base64, out byte[] key)
    {
        key = [];
        if (string.IsNullOrWhiteSpace(base64))
        {
            return false;
        }

        var buffer = new byte[KeySizeInBytes + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written) || written != KeySizeInBytes)
        {
            return false;
        }

        key = buffer[..KeySizeInBytes];
        return true;
    }
}
