using Almyty.Domain.Common;

namespace Almyty.Domain.Providers;

/// <summary>What may be shown of an API key: its last four characters behind a fixed mask.</summary>
public static class ApiKeyHint
{
    public const string Mask = "sk-...";

    /// <summary>Keys this short would give away too much of themselves; they show the mask alone.</summary>
    public const int MinimumLengthToReveal = 12;

    public static string For(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        return Characters.Count(apiKey) < MinimumLengthToReveal ? Mask : Mask + Characters.Last(apiKey, 4);
    }
}
