using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions.DeleteSession;

/// <summary>Removes the session; its messages go with it (database cascade). Usage records have no foreign key and stay.</summary>
public sealed class DeleteSessionCommandHandler(IAlmytyDbContext db) : ICommandHandler<DeleteSessionCommand, Result<SessionDeletedResponse>>
{
    public async ValueTask<Result<SessionDeletedResponse>> Handle(DeleteSessionCommand command, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var found = await db.LockAsync(command.ProviderId, command.SessionId, command.ExpectedVersions, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        db.ChatSessions.Remove(found.Value);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return command.ExpectedVersions is null ? SessionErrors.ModifiedConcurrently() : SessionErrors.VersionMismatch();
        }

        return new SessionDeletedResponse(command.SessionId, true);
    }
}
