using Almyty.Domain.Common;

namespace Almyty.Api.Http;

public static class ResultExtensions
{
    public static IResult ToOk<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(new SuccessEnvelope<T>(result.Value)) : result.Error.ToResult();
}
