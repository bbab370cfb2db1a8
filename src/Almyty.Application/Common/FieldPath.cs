using System.Text;

namespace Almyty.Application.Common;

/// <summary>Turns a .NET property path (<c>Configuration.MaxTokens</c>, <c>Stop[0]</c>) into the JSON field path clients sent.</summary>
public static class FieldPath
{
    public static string FromPropertyPath(string propertyPath)
    {
        ArgumentNullException.ThrowIfNull(propertyPath);
        var builder = new StringBuilder(propertyPath.Length);
        var atSegmentStart = true;
        foreach (var character in propertyPath)
        {
            builder.Append(atSegmentStart ? char.ToLowerInvariant(character) : character);
            atSegmentStart = character == '.';
        }

        return builder.ToString();
    }
}
