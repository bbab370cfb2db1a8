using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;

namespace Almyty.Application.Providers.UpdateProvider;

/// <summary>A partial update: only the fields that are present change.</summary>
public sealed record UpdateProviderCommand(Guid Id) : ICommand<Result<ProviderResponse>>, IAuthorizedMessage
{
    public Optional<string?> Name { get; init; }
    public Optional<string?> Provider { get; init; }
    public Optional<string?> ApiKey { get; init; }
    public Optional<string?> Model { get; init; }
    public Optional<string?> BaseUrl { get; init; }
    public ProviderConfigurationPatch? Configuration { get; init; }
    public Optional<string?> Status { get; init; }

    /// <summary>The versions If-Match names; null when the header is absent or <c>*</c>.</summary>
    public IReadOnlyList<uint>? ExpectedVersions { get; init; }

    public Permission RequiredPermission => Permission.Manage;

    /// <summary>Keeps the key out of logs and exception messages that print the record.</summary>
    public override string ToString() => $"UpdateProviderCommand {{ Id = {Id} }}";
}
