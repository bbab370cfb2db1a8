using System.Diagnostics.CodeAnalysis;

namespace Almyty.Domain.Common;

/// <summary>Lets generic code (the validation pipeline) build a failed result without knowing its value type.</summary>
public interface IFailureFactory<out TSelf>
{
    static abstract TSelf Failure(Error error);
}

/// <summary>The outcome of an operation: a value, or the expected <see cref="Error"/> that prevented it.</summary>
public readonly struct Result<T> : IFailureFactory<Result<T>>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"A failed result has no value ({Error.Code}).");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error);

#pragma warning disable CA2225 // Success/Failure are the named alternates.
    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);
#pragma warning restore CA2225
}
