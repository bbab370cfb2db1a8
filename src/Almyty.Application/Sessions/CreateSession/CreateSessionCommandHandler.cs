using Almyty.Application.Common;
using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Chat;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace Almyty.Application.Sessions.CreateSession;

public sealed class CreateSessionCommandHandler(
    IAlmytyDbContext db,
    ICurrentPrincipal principal,
    TimeProvider timeProvider) : ICommandHandler<CreateSessionCommand, Result<SessionResponse>>
{
    public async ValueTask<Result<SessionResponse>> Handle(CreateSessionCommand command, CancellationToken cancellationToken)
    {
        if (!await db.Providers.AnyAsync(p => p.Id == command.ProviderId, cancellationToken))
        {
            return ProviderErrors.NotFound(command.ProviderId);
        }

        var session = ChatSession.Start(
            timeProvider.NewId(),
            principal.OrganizationId!,
            command.ProviderId,
            command.Title,
            command.SystemPrompt,
            timeProvider.GetUtcNow());
        db.ChatSessions.Add(session);
        await db.SaveChangesAsync(cancellationToken);
        return session.ToResponse();
    }
}
