namespace Almyty.Bench;

/// <summary>"--name value" pairs and bare "--flag"s; a repeated name keeps every value.</summary>
internal sealed class BenchArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public static BenchArguments Parse(IReadOnlyList<string> args)
    {
        var parsed = new BenchArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{name}'");
            }

            var value = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
            if (!parsed._values.TryGetValue(name[2..], out var list))
            {
                parsed._values[name[2..]] = list = [];
            }

            list.Add(value);
        }

        return parsed;
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var list) ? list[^1] : throw new ArgumentException($"--{name} is required");

    public string? Optional(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public int Int(string name, int fallback) =>
        Optional(name) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => Optional(name) == "true";
}
