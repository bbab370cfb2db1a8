namespace Almyty.Domain.Common;

/// <summary>A value that may be absent, as distinct from present and null: what a partial update (PATCH) needs.</summary>
public readonly record struct Optional<T>
{
    private readonly T _value;

    public Optional(T value)
    {
        _value = value;
        HasValue = true;
    }

    public bool HasValue { get; }

    public T Value => HasValue ? _value : throw new InvalidOperationException("The optional value is absent.");

    public static Optional<T> Absent => default;

    public T GetValueOrDefault(T fallback) => HasValue ? _value : fallback;

#pragma warning disable CA2225 // The constructor is the named alternate.
    public static implicit operator Optional<T>(T value) => new(value);
#pragma warning restore CA2225
}
