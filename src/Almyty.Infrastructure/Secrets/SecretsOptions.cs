namespace Almyty.Infrastructure.Secrets;

/// <summary>Key-encryption keys for secrets at rest: <c>Secrets__ActiveKeyId</c> and <c>Secrets__Keys__&lt;id&gt;</c> (base64, 32 bytes).</summary>
public sealed class SecretsOptions
{
    public const string SectionName = "Secrets";

    /// <summary>The key that seals new secrets; every configured key can still open old ones.</summary>
    public string? ActiveKeyId { get; set; }

#pragma warning disable CA2227 // Bound from configuration.
    public Dictionary<string, string> Keys { get; set; } = new(StringComparer.Ordinal);
#pragma warning restore CA2227
}
