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

/// <summary>
/// A query parameter the endpoint does not take is a 400 naming it, as an unknown JSON member is: <c>?limt=5</c> is a
/// typo to report, not a request for the default page size. Runs after authorization, so it only answers callers who
/// may use the endpoint.
/// </summary>
internal sealed class UnknownQueryParameterMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var query = context.Request.Query;
        if (query.Count == 0 || context.GetEndpoint()?.Metadata.GetMetadata<QueryParameterNames>() is not { } allowed)
        {
            return next(context);
        }

        foreach (var (name, _) in query)
        {
            if (!allowed.Contains(name))
            {
                var takes = allowed.Declared.Count == 0 ? "This endpoint takes no query parameters." : $"This endpoint takes: {string.Join(", ", allowed.Declared)}.";
                return ErrorResults.Validation(name, $"Unknown query parameter '{name}'. {takes}").ExecuteAsync(context);
            }
        }

        return next(context);
    }
}
