using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Providers.GetProvider;

public sealed record GetProviderQuery(Guid Id) : IQuery<Result<ProviderResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Read;
}
