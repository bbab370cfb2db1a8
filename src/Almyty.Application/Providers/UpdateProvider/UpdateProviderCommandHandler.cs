using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Persistence;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers.UpdateProvider;

public sealed class UpdateProviderCommandHandler(
    IAlmytyDbContext db,
    ISecretProtector secrets,
    IEgressPolicy egress,
    TimeProvider timeProvider) : ICommandHandler<UpdateProviderCommand, Result<ProviderResponse>>
{
    public async ValueTask<Result<ProviderResponse>> Handle(UpdateProviderCommand command, CancellationToken cancellationToken)
    {
        var provider = await db.Providers.FirstOrDefaultAsync(p => p.Id == command.Id, cancellationToken);
        if (provider is null)
        {
            return ProviderErrors.NotFound(command.Id);
        }

        if (command.ExpectedVersions is { } expected && !expected.Contains(provider.Version))
        {
            return ProviderErrors.VersionMismatch();
        }

        var update = new ProviderUpdate
        {
            Configuration = command.Configuration,
            Model = command.Model,
        };

        if (command.Name.HasValue)
        {
            var normalizedName = LlmProvider.Normalize(command.Name.Value!);
            if (await db.Providers.AnyAsync(p => p.NormalizedName == normalizedName && p.Id != provider.Id, cancellationToken))
            {
                return ProviderErrors.DuplicateName(command.Name.Value!.Trim());
            }

            update = update with { Name = command.Name.Value! };
        }

        if (command.Provider.HasValue)
        {
            update = update with { Kind = ProviderKinds.Parse(command.Provider.Value!) };
        }

        if (command.BaseUrl.HasValue)
        {
            var baseUrl = command.BaseUrl.Value is { } raw ? BaseUrls.Parse(raw) : null;
            if (baseUrl is not null && egress.CheckBaseUrl(baseUrl) is { } blocked)
            {
                return blocked;
            }

            update = update with { BaseUrl = baseUrl };
        }

        if (command.Status.HasValue)
        {
            update = update with { Status = ProviderStatuses.Parse(command.Status.Value!) };
        }

        if (command.ApiKey.HasValue)
        {
            update = update with
            {
                ApiKey = secrets.Protect(command.ApiKey.Value!, provider.Id),
                ApiKeyHint = ApiKeyHint.For(command.ApiKey.Value!),
            };
        }

        var updated = provider.Update(update, timeProvider.GetUtcNow());
        if (!updated.IsSuccess)
        {
            return updated.Error;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DuplicateKeyException)
        {
            return ProviderErrors.DuplicateName(provider.Name);
        }
        catch (DbUpdateConcurrencyException)
        {
            return command.ExpectedVersions is null ? ProviderErrors.ModifiedConcurrently() : ProviderErrors.VersionMismatch();
        }

        return (await db.UsageCounters.WithUsageAsync(provider, cancellationToken)).ToResponse();
    }
}
