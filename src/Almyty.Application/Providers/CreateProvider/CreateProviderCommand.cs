using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;

namespace Almyty.Application.Providers.CreateProvider;

public sealed record CreateProviderCommand(
    string? Name,
    string? Provider,
    string? ApiKey,
    string? Model,
    string? BaseUrl,
    ProviderConfigurationPatch? Configuration) : ICommand<Result<ProviderResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Manage;

    /// <summary>Keeps the key out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"CreateProviderCommand {{ Name = {Name}, Provider = {Provider} }}";
}
