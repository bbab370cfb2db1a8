using System.Reflection;
using Microsoft.AspNetCore.Mvc;

namespace Almyty.Api.Http;

/// <summary>The query parameters an endpoint takes: its handler's <c>[FromQuery]</c> parameters.</summary>
internal sealed class QueryParameterNames
{
    private readonly HashSet<string> names;

    private QueryParameterNames(IEnumerable<string> names) =>
        this.names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);

    /// <summary>In the order the handler declares them, for messages.</summary>
    public IReadOnlyList<string> Declared { get; private init; } = [];

    public bool Contains(string name) => names.Contains(name);

    public static QueryParameterNames Of(EndpointBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var declared = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault()?.GetParameters()
            .Select(p => (Parameter: p, Query: p.GetCustomAttribute<FromQueryAttribute>()))
            .Where(p => p.Query is not null)
            .Select(p => p.Query!.Name ?? p.Parameter.Name!)
            .ToList() ?? [];
        return new QueryParameterNames(declared) { Declared = declared };
    }
}
