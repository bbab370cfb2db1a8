using Almyty.Domain.Common;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Almyty.Api.Http;

/// <summary>Refuses a declared body over the limit before reading a byte; Kestrel enforces the same limit on chunked bodies.</summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<KestrelServerOptions> kestrel)
{
    private readonly long? _limit = kestrel.Value.Limits.MaxRequestBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        if (_limit is { } limit && context.Request.ContentLength > limit)
        {
            return ErrorResults.Problem(
                StatusCodes.Status413PayloadTooLarge,
                ErrorCodes.PayloadTooLarge,
                $"The request body is larger than the limit of {limit} bytes.").ExecuteAsync(context);
        }

        return next(context);
    }
}
