using Almyty.Infrastructure.Gateways;

namespace Almyty.Infrastructure.Tests.Gateways;

public sealed class SecretRedactorTests
{
    private const string Key = "AZ+key/abcdefghijklmnopQRSTUV0123456789=";

    [Theory]
    [InlineData("AZ+key/abcdefghijklmnopQRSTUV0123456789=")]
    [InlineData("AZ%2Bkey%2FabcdefghijklmnopQRSTUV0123456789%3D")]
    [InlineData("AZ%2bkey%2fabcdefghijklmnopQRSTUV0123456789%3d")]
    [InlineData("AZ\\u002Bkey/abcdefghijklmnopQRSTUV0123456789=")]
    [InlineData("AZ\\u002Bkey\\/abcdefghijklmnopQRSTUV0123456789\\u003D")]
    [InlineData("AZ+key\\/abcdefghijklmnopQRSTUV0123456789=")]
    public void Redact_takes_out_the_key_as_written_escaped_for_a_url_or_for_json(string written)
    {
        var message = SecretRedactor.Redact($"Invalid key {written} given.", Key);

        message.ShouldBe("Invalid key [redacted] given.");
    }

    [Fact]
    public void Redact_takes_out_every_form_in_one_message()
    {
        var message = SecretRedactor.Redact($"raw={Key} url={Uri.EscapeDataString(Key)}", Key);

        message.ShouldBe("raw=[redacted] url=[redacted]");
    }

    [Fact]
    public void Redact_leaves_a_message_without_the_key_as_it_is()
    {
        SecretRedactor.Redact("Rate limit reached for gpt-4o in organization org-123.", Key)
            .ShouldBe("Rate limit reached for gpt-4o in organization org-123.");
    }

    [Fact]
    public void Redact_takes_out_a_key_the_provider_shortened_to_its_first_characters()
    {
        SecretRedactor.Redact("Incorrect API key provided: AZ+key/a***************789=.", Key)
            .ShouldBe("Incorrect API key provided: [redacted]***************789=.");
    }

    [Theory]
    [InlineData("clé-ünïcode-🔑-0123456789")]
    [InlineData("key.with*regex(chars)?[0-9]+$")]
    public void Redact_takes_out_a_key_of_any_characters_as_written_escaped_for_a_url_or_for_json(string key)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(key)[1..^1];

        var message = SecretRedactor.Redact($"a={key} b={Uri.EscapeDataString(key)} c={json}", key);

        message.ShouldBe("a=[redacted] b=[redacted] c=[redacted]");
    }

    [Fact]
    public void Redact_takes_out_a_key_holding_an_unpaired_surrogate()
    {
        const string KeyWithLoneSurrogate = "key-\ud800-0123456789";
        var key = System.Text.RegularExpressions.Regex.Unescape(KeyWithLoneSurrogate);

        SecretRedactor.Redact($"bad key {key}", key).ShouldBe("bad key [redacted]");
    }

    [Theory]
    [InlineData("Incorrect API key provided: {0}.", "key/abcdefghijklmnopQRSTUV0123456789=")]
    [InlineData("Key ends in {0}.", "QRSTUV0123456789=")]
    [InlineData("Key starts {0}, quoted in a URL.", "AZ%2Bkey%2Fab")]
    [InlineData("Key middle {0}, quoted in JSON.", "key\\/abcdefgh")]
    [InlineData("Eight: {0}.", "hijklmno")]
    public void Redact_takes_out_a_run_of_eight_or_more_of_the_keys_characters_however_written(string template, string echoed)
    {
        var message = SecretRedactor.Redact(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, echoed), Key);

        message.ShouldBe(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, "[redacted]"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("user:", "")]
    [InlineData("x", "-tail")]
    [InlineData("Bearer ", "\n")]
    public void Redact_takes_out_the_key_base64_encoded_wherever_it_starts_in_the_encoded_bytes(string before, string after)
    {
        const string ProviderKey = "sk-proj-Ab+/=9xYz0123456789QWERTY";
        var encoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(before + ProviderKey + after));
        var urlSafe = encoded.Replace('+', '-').Replace('/', '_').TrimEnd('=');

        var message = SecretRedactor.Redact($"Invalid credentials {encoded} (or {urlSafe}).", ProviderKey);

        message.ShouldStartWith("Invalid credentials ");
        message.ShouldContain("[redacted]");
        RecoverableKeyBytes(message, ProviderKey).ShouldBeLessThan(6, message);
    }

    /// <summary>The most consecutive bytes of the key that decoding any base64-looking run of the text, at any alignment, gives back.</summary>
    private static int RecoverableKeyBytes(string text, string key)
    {
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(key);
        var most = 0;
        foreach (System.Text.RegularExpressions.Match run in System.Text.RegularExpressions.Regex.Matches(text, "[A-Za-z0-9+/_-]{4,}"))
        {
            var standard = run.Value.Replace('-', '+').Replace('_', '/');
            for (var skip = 0; skip < 4; skip++)
            {
                var usable = (standard.Length - skip) / 4 * 4;
                if (usable < 4)
                {
                    continue;
                }

                var decoded = Convert.FromBase64String(standard.Substring(skip, usable));
                for (var i = 0; i < decoded.Length; i++)
                {
                    for (var j = 0; j < keyBytes.Length; j++)
                    {
                        var length = 0;
                        while (i + length < decoded.Length && j + length < keyBytes.Length && decoded[i + length] == keyBytes[j + length])
                        {
                            length++;
                        }

                        most = Math.Max(most, length);
                    }
                }
            }
        }

        return most;
    }

    [Fact]
    public void Redact_takes_out_the_key_without_its_public_prefix_next_to_the_whole_key()
    {
        const string ProviderKey = "sk-ECHOSECRET-echo401-zz99";

        SecretRedactor.Redact($"Incorrect API key provided: {ProviderKey} (also {ProviderKey[3..]})", ProviderKey)
            .ShouldBe("Incorrect API key provided: [redacted] (also [redacted])");
    }

    [Fact]
    public void Redact_leaves_runs_shorter_than_eight_like_the_published_hint()
    {
        SecretRedactor.Redact("Use the key ending in 6789= or 0123456 instead.", Key)
            .ShouldBe("Use the key ending in 6789= or 0123456 instead.");
    }

    [Fact]
    public void Redact_takes_out_a_short_key_only_whole()
    {
        SecretRedactor.Redact("Key abc12 refused; abc1 and bc12 are not it.", "abc12")
            .ShouldBe("Key [redacted] refused; abc1 and bc12 are not it.");
    }
}
