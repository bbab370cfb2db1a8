using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Secrets.RotateSecrets;

public sealed class RotateSecretsCommandHandler(IAlmytyDbContext db, ISecretProtector secrets)
    : ICommandHandler<RotateSecretsCommand, Result<RotateSecretsResponse>>
{
    public async ValueTask<Result<RotateSecretsResponse>> Handle(RotateSecretsCommand command, CancellationToken cancellationToken)
    {
        var examined = 0;
        var rotated = 0;
        var lastId = Guid.Empty;
        while (true)
        {
            // Keyset pages keep memory flat however many providers there are.
            var batch = await db.Providers
                .IgnoreQueryFilters()
                .Where(p => p.Id.CompareTo(lastId) > 0)
                .OrderBy(p => p.Id)
                .Take(command.BatchSize)
                .ToListAsync(cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var provider in batch)
            {
                examined++;
                if (secrets.IsSealedWithActiveKey(provider.ApiKey))
                {
                    continue;
                }

                var plaintext = secrets.Unprotect(provider.ApiKey, provider.Id);
                provider.ReplaceEncryptedApiKey(secrets.Protect(plaintext, provider.Id));
                rotated++;
            }

            await db.SaveChangesAsync(cancellationToken);
            lastId = batch[^1].Id;
        }

        return new RotateSecretsResponse(examined, rotated);
    }
}
