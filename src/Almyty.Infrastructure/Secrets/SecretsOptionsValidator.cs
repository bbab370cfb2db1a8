using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Secrets;

internal sealed class SecretsOptionsValidator : IValidateOptions<SecretsOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsOptions options)
    {
        var failures = new List<string>();
        if (options.Keys.Count == 0)
        {
            failures.Add("No secret encryption key is configured: set Secrets__Keys__<id> to 32 random bytes in base64 (e.g. `openssl rand -base64 32`) and Secrets__ActiveKeyId to <id>.");
        }

        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            failures.Add("Secrets__ActiveKeyId is not set: name the key in Secrets__Keys__<id> that encrypts new secrets.");
        }
        else if (options.Keys.Count > 0 && !options.Keys.ContainsKey(options.ActiveKeyId))
        {
            failures.Add($"Secrets__ActiveKeyId is '{options.ActiveKeyId}', but no Secrets__Keys__{options.ActiveKeyId} is configured.");
        }

        foreach (var (keyId, value) in options.Keys)
        {
            if (keyId.Length > 64 || keyId.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                failures.Add($"Secrets__Keys__{keyId}: a key id is at most 64 letters, digits, '-', '_' or '.'.");
            }

            if (!KeyRing.TryDecodeKey(value, out _))
            {
                failures.Add($"Secrets__Keys__{keyId} must be exactly 32 bytes encoded as base64.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
