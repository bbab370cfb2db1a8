using System.Buffers;
using System.Globalization;
using System.Text;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// Where a text holds a run of a key's characters long enough to be part of the secret: a provider may echo the key
/// without its public prefix, cut short, escaped for a URL or for JSON (each character either way), or base64-encoded
/// (an <c>Authorization: Basic</c> header echoed back, say), and a whole-key match finds none of those.
/// </summary>
internal static class KeyEchoes
{
    /// <summary>Shorter runs are left: the last four characters are the key's published hint.</summary>
    public const int MinimumRun = 8;

    /// <summary>The spans (start, length) of the text to redact, in order, not overlapping.</summary>
    public static IReadOnlyList<(int Start, int Length)> Find(string text, string apiKey)
    {
        var key = apiKey.EnumerateRunes().Select(Rune.ToUpperInvariant).ToArray();
        if (key.Length == 0 || string.IsNullOrEmpty(text))
        {
            return [];
        }

        var minimum = Math.Min(MinimumRun, key.Length);
        var spans = new List<(int Start, int End)>();
        var written = AsWritten(text);
        CollectRuns(written, key, minimum, spans);
        CollectRuns(Unescaped(text), key, minimum, spans);
        foreach (var encoded in Base64Forms(apiKey))
        {
            CollectRuns(written, encoded.EnumerateRunes().Select(Rune.ToUpperInvariant).ToArray(), MinimumRun, spans);
        }

        return Merge(spans);
    }

    /// <summary>
    /// The characters that the key's UTF-8 bytes become in base64 (standard and URL-safe) wherever it starts in the
    /// encoded data: for each of the three alignments, the characters that depend on the key's bytes alone.
    /// </summary>
    private static IEnumerable<string> Base64Forms(string apiKey)
    {
        var key = Encoding.UTF8.GetBytes(apiKey);
        for (var offset = 0; offset < 3; offset++)
        {
            var bytes = new byte[offset + key.Length];
            key.CopyTo(bytes, offset);
            var encoded = Convert.ToBase64String(bytes);
            // Leading characters that hold bits of the bytes before the key; trailing ones of the bytes after it.
            var start = offset switch { 0 => 0, 1 => 2, _ => 3 };
            var end = bytes.Length / 3 * 4;
            if (end - start < MinimumRun)
            {
                continue;
            }

            var stable = encoded[start..end];
            yield return stable;
            yield return stable.Replace('+', '-').Replace('/', '_');
        }
    }

    /// <summary>One character of the text as a provider wrote it, or as it stands for after unescaping.</summary>
    private readonly record struct TextRune(Rune Value, int Start, int Length);

    private static void CollectRuns(List<TextRune> text, Rune[] key, int minimum, List<(int Start, int End)> spans)
    {
        // Longest common substring, row by row: run[j + 1] is the length of the run of key characters that ends at
        // the current text character and at key[j].
        var previous = new int[key.Length + 1];
        var current = new int[key.Length + 1];
        for (var i = 0; i < text.Count; i++)
        {
            var longest = 0;
            var folded = Rune.ToUpperInvariant(text[i].Value);
            for (var j = 0; j < key.Length; j++)
            {
                current[j + 1] = folded == key[j] ? previous[j] + 1 : 0;
                longest = Math.Max(longest, current[j + 1]);
            }

            if (longest >= minimum)
            {
                var first = text[i - longest + 1];
                spans.Add((first.Start, text[i].Start + text[i].Length));
            }

            (previous, current) = (current, previous);
        }
    }

    private static List<TextRune> AsWritten(string text)
    {
        var runes = new List<TextRune>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            runes.Add(new TextRune(rune, i, consumed));
            i += consumed;
        }

        return runes;
    }

    /// <summary>The text with %XX (UTF-8 bytes), \uXXXX (UTF-16 units, pairs joined) and \/ read as what they stand for.</summary>
    private static List<TextRune> Unescaped(string text)
    {
        var runes = new List<TextRune>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            if (TryUrlEscaped(text, i, out var rune, out var consumed) || TryJsonEscaped(text, i, out rune, out consumed))
            {
                runes.Add(new TextRune(rune, i, consumed));
            }
            else
            {
                Rune.DecodeFromUtf16(text.AsSpan(i), out rune, out consumed);
                runes.Add(new TextRune(rune, i, consumed));
            }

            i += consumed;
        }

        return runes;
    }

    private static bool TryUrlEscaped(string text, int at, out Rune rune, out int consumed)
    {
        Span<byte> bytes = stackalloc byte[4];
        var count = 0;
        while (count < bytes.Length && TryHex(text, at + (count * 3) + 1, 2, out var value) && text[at + (count * 3)] == '%')
        {
            bytes[count++] = (byte)value;
            if (Rune.DecodeFromUtf8(bytes[..count], out rune, out var used) == OperationStatus.Done)
            {
                consumed = used * 3;
                return true;
            }
        }

        rune = default;
        consumed = 0;
        return false;
    }

    private static bool TryJsonEscaped(string text, int at, out Rune rune, out int consumed)
    {
        rune = default;
        consumed = 0;
        if (at + 1 >= text.Length || text[at] != '\\')
        {
            return false;
        }

        if (text[at + 1] == '/')
        {
            (rune, consumed) = (new Rune('/'), 2);
            return true;
        }

        if (!IsUnicodeEscape(text, at, out var unit))
        {
            return false;
        }

        if (Rune.TryCreate((char)unit, out rune))
        {
            consumed = 6;
            return true;
        }

        if (char.IsHighSurrogate((char)unit) && IsUnicodeEscape(text, at + 6, out var low) && Rune.TryCreate((char)unit, (char)low, out rune))
        {
            consumed = 12;
            return true;
        }

        return false;
    }

    private static bool IsUnicodeEscape(string text, int at, out int unit)
    {
        unit = 0;
        return at + 5 < text.Length && text[at] == '\\' && text[at + 1] is 'u' or 'U' && TryHex(text, at + 2, 4, out unit);
    }

    private static bool TryHex(string text, int at, int digits, out int value)
    {
        value = 0;
        return at >= 0 && at + digits <= text.Length
            && int.TryParse(text.AsSpan(at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static List<(int Start, int Length)> Merge(List<(int Start, int End)> spans)
    {
        spans.Sort();
        var merged = new List<(int Start, int Length)>();
        var (start, end) = (-1, -1);
        foreach (var span in spans)
        {
            if (span.Start <= end)
            {
                end = Math.Max(end, span.End);
                continue;
            }

            if (end > start)
            {
                merged.Add((start, end - start));
            }

            (start, end) = span;
        }

        if (end > start)
        {
            merged.Add((start, end - start));
        }

        return merged;
    }
}
