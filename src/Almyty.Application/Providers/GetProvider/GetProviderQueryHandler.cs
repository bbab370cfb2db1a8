using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;

namespace Almyty.Application.Providers.GetProvider;

public sealed class GetProviderQueryHandler(IAlmytyDbContext db) : IQueryHandler<GetProviderQuery, Result<ProviderResponse>>
{
    public async ValueTask<Result<ProviderResponse>> Handle(GetProviderQuery query, CancellationToken cancellationToken)
    {
        var provider = await db.FindProviderWithUsageAsync(query.Id, cancellationToken);
        return provider is null ? ProviderErrors.NotFound(query.Id) : provider.ToResponse();
    }
}
