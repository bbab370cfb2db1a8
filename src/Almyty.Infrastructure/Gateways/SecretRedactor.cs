using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Almyty.Domain.Common;

namespace Almyty.Infrastructure.Gateways;

/// <summary>Provider error texts can echo keys back; nothing key-like leaves through our messages.</summary>
internal static partial class SecretRedactor
{
    public const int MaxMessageLength = 500;
    private const string Redacted = "[redacted]";
    private const int SearchedLength = 4 * MaxMessageLength;

    public static string Redact(string? text, string apiKey)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // Only the start can be shown; cutting first bounds the search for the key's echoes (a run of a key cut here
        // is still found, down to fewer characters than KeyEchoes.MinimumRun).
        text = Characters.CountIsAtMost(text, SearchedLength) ? text : Characters.Truncate(text, SearchedLength);
        if (!string.IsNullOrEmpty(apiKey))
        {
            text = WithoutKeyEchoes(text, apiKey);
            text = KeyAsWritten(apiKey).Replace(text.Replace(apiKey, Redacted, StringComparison.Ordinal), Redacted);
        }

        text = KeyLike().Replace(text, Redacted);
        text = BearerToken().Replace(text, "Bearer " + Redacted);
        // Every control character goes, NUL included, which PostgreSQL cannot store: the message may become a lastError.
        text = string.Concat(text.ReplaceLineEndings(" ").Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        return Characters.CountIsAtMost(text, MaxMessageLength) ? text : Characters.Truncate(text, MaxMessageLength - 1) + "…";
    }

    /// <summary>Every run of the key's characters long enough to matter (<see cref="KeyEchoes"/>), however it is written.</summary>
    private static string WithoutKeyEchoes(string text, string apiKey)
    {
        var echoes = KeyEchoes.Find(text, apiKey);
        if (echoes.Count == 0)
        {
            return text;
        }

        var redacted = new StringBuilder(text.Length);
        var next = 0;
        foreach (var (start, length) in echoes)
        {
            redacted.Append(text, next, start - next).Append(Redacted);
            next = start + length;
        }

        return redacted.Append(text, next, text.Length - next).ToString();
    }

    /// <summary>
    /// The key as a provider may write it back: as it is, escaped for a URL (a query string, a redirect's location) or
    /// escaped for JSON (a body we quote as text), each character either way, and ignoring case (%2b, \u002b).
    /// </summary>
    private static Regex KeyAsWritten(string apiKey)
    {
        var pattern = new StringBuilder();
        Span<byte> utf8 = stackalloc byte[4];
        Span<char> utf16 = stackalloc char[2];
        foreach (var rune in apiKey.EnumerateRunes())
        {
            pattern.Append("(?:").Append(Regex.Escape(rune.ToString())).Append('|');
            foreach (var unit in utf8[..rune.EncodeToUtf8(utf8)])
            {
                pattern.Append('%').Append(unit.ToString("X2", CultureInfo.InvariantCulture));
            }

            pattern.Append('|');
            foreach (var unit in utf16[..rune.EncodeToUtf16(utf16)])
            {
                pattern.Append(@"\\u").Append(((int)unit).ToString("X4", CultureInfo.InvariantCulture));
            }

            pattern.Append(rune.Value == '/' ? @"|\\/)" : ")");
        }

        // A row of alternatives without repetition: matching cannot backtrack beyond the key's length.
        return new Regex(pattern.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"\b(sk|pk|rk)-[A-Za-z0-9_\-\*\.]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyLike();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9_\-\.=\+/]+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerToken();
}
