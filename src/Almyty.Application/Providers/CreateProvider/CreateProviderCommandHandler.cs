using Almyty.Application.Common;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers.CreateProvider;

public sealed class CreateProviderCommandHandler(
    IAlmytyDbContext db,
    ICurrentPrincipal principal,
    ISecretProtector secrets,
    IEgressPolicy egress,
    TimeProvider timeProvider) : ICommandHandler<CreateProviderCommand, Result<ProviderResponse>>
{
    public async ValueTask<Result<ProviderResponse>> Handle(CreateProviderCommand command, CancellationToken cancellationToken)
    {
        var kind = ProviderKinds.Parse(command.Provider!);
        var baseUrl = command.BaseUrl is null ? null : BaseUrls.Parse(command.BaseUrl);
        if (baseUrl is not null)
        {
            if (egress.CheckBaseUrl(baseUrl) is { } blocked)
            {
                return blocked;
            }
        }

        var name = command.Name!.Trim();
        var normalizedName = LlmProvider.Normalize(name);
        if (await db.Providers.AnyAsync(p => p.NormalizedName == normalizedName, cancellationToken))
        {
            return ProviderErrors.DuplicateName(name);
        }

        var id = timeProvider.NewId();
        var created = LlmProvider.Create(
            id,
            principal.OrganizationId!,
            name,
            kind,
            command.Model,
            baseUrl,
            ProviderConfiguration.Empty.Merge(command.Configuration ?? new ProviderConfigurationPatch()),
            secrets.Protect(command.ApiKey!, id),
            ApiKeyHint.For(command.ApiKey!),
            timeProvider.GetUtcNow());
        if (!created.IsSuccess)
        {
            return created.Error;
        }

        db.Providers.Add(created.Value);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return ProviderErrors.DuplicateName(name);
        }

        return created.Value.ToResponse();
    }
}
