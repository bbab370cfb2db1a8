using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions.UpdateSession;

public sealed class UpdateSessionCommandHandler(IAlmytyDbContext db, TimeProvider timeProvider)
    : ICommandHandler<UpdateSessionCommand, Result<SessionResponse>>
{
    public async ValueTask<Result<SessionResponse>> Handle(UpdateSessionCommand command, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var found = await db.LockAsync(command.ProviderId, command.SessionId, command.ExpectedVersions, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var session = found.Value;
        if (!command.Title.HasValue && !command.SystemPrompt.HasValue)
        {
            // Nothing to change: nothing is written, so the ETag stays what it was.
            return session.ToResponse();
        }

        var now = timeProvider.GetUtcNow();
        if (command.Title.HasValue)
        {
            session.Rename(command.Title.Value, now);
        }

        if (command.SystemPrompt.HasValue)
        {
            session.ChangeSystemPrompt(command.SystemPrompt.Value, now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Not expected under the row lock; kept so a conflict can never pass as success.
            return command.ExpectedVersions is null ? SessionErrors.ModifiedConcurrently() : SessionErrors.VersionMismatch();
        }

        return session.ToResponse();
    }
}
