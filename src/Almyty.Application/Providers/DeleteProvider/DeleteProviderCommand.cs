using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Providers.DeleteProvider;

/// <param name="ExpectedVersions">The versions If-Match names; null when the header is absent or <c>*</c>.</param>
public sealed record DeleteProviderCommand(Guid Id, IReadOnlyList<uint>? ExpectedVersions) : ICommand<Result<ProviderDeletedResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Manage;
}
