namespace Almyty.Api.Http;

/// <summary>
/// A query parameter the endpoint does not take is a 400 naming it, as an unknown JSON member is: <c>?limt=5</c> is a
/// typo to report, not a request for the default page size. Runs after authentication, so a caller without a valid
/// token still gets 401.
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
