using System.Text.RegularExpressions;
using Almyty.Domain.Common;

namespace Almyty.Infrastructure.Gateways;

/// <summary>Provider error texts can echo keys back; nothing key-like leaves through our messages.</summary>
internal static partial class SecretRedactor
{
    public const int MaxMessageLength = 500;
    private const string Redacted = "[redacted]";

    public static string Redact(string? text, string apiKey)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (!string.IsNullOrEmpty(apiKey))
        {
            text = text.Replace(apiKey, Redacted, StringComparison.Ordinal);
            if (Characters.Count(apiKey) >= 12)
            {
                // Providers often echo a key shortened ("sk-abc...wxyz"); the last characters alone are not secret.
                text = text.Replace(Characters.Truncate(apiKey, 8), Redacted, StringComparison.Ordinal);
            }
        }

        text = KeyLike().Replace(text, Redacted);
        text = BearerToken().Replace(text, "Bearer " + Redacted);
        // Every control character goes, NUL included, which PostgreSQL cannot store: the message may become a lastError.
        text = string.Concat(text.ReplaceLineEndings(" ").Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return Characters.CountIsAtMost(text, MaxMessageLength) ? text : Characters.Truncate(text, MaxMessageLength - 1) + "…";
    }

    [GeneratedRegex(@"\b(sk|pk|rk)-[A-Za-z0-9_\-\*\.]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLike();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9_\-\.=\+/]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
