using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Common.Behaviors;

/// <summary>Applies the role rules to every message a caller sends, before validation or the handler runs.</summary>
public sealed class AuthorizationBehavior<TMessage, TResponse>(ICurrentPrincipal principal) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
    where TResponse : IFailureFactory<TResponse>
{
    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (message is IAuthorizedMessage authorized)
        {
            if (principal.OrganizationId is null)
            {
                return ValueTask.FromResult(TResponse.Failure(SecurityErrors.Unauthenticated()));
            }

            if (principal.Role is not { } role || !role.Allows(authorized.RequiredPermission))
            {
                return ValueTask.FromResult(TResponse.Failure(SecurityErrors.Forbidden(authorized.RequiredPermission)));
            }
        }

        return next(message, cancellationToken);
    }
}
