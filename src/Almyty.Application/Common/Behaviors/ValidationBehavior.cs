using Almyty.Domain.Common;
using FluentValidation;
using Mediator;

namespace Almyty.Application.Common.Behaviors;

/// <summary>Runs every validator of a message; the handler only ever sees valid messages.</summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
    where TResponse : IFailureFactory<TResponse>
{
    private readonly IValidator<TMessage>[] _validators = validators.ToArray();

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (_validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }

        List<FieldError>? failures = null;
        foreach (var validator in _validators)
        {
            // A context per validator: a shared one would hand each validator's result the failures of those before it.
            var result = await validator.ValidateAsync(new ValidationContext<TMessage>(message), cancellationToken);
            foreach (var failure in result.Errors)
            {
                (failures ??= []).Add(new FieldError(FieldPath.FromPropertyPath(failure.PropertyName), failure.ErrorMessage));
            }
        }

        return failures is null ? await next(message, cancellationToken) : TResponse.Failure(Error.Validation(failures));
    }
}
