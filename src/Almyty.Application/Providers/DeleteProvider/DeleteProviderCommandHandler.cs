using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Providers.DeleteProvider;

public sealed class DeleteProviderCommandHandler(IAlmytyDbContext db) : ICommandHandler<DeleteProviderCommand, Result<ProviderDeletedResponse>>
{
    public async ValueTask<Result<ProviderDeletedResponse>> Handle(DeleteProviderCommand command, CancellationToken cancellationToken)
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

        db.Providers.Remove(provider);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return command.ExpectedVersions is null ? ProviderErrors.ModifiedConcurrently() : ProviderErrors.VersionMismatch();
        }

        return new ProviderDeletedResponse(command.Id, true);
    }
}
