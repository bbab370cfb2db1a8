namespace Almyty.Domain.Providers;

public enum ProviderStatus
{
    Active,
    Inactive,
    Error,
}

public static class ProviderStatuses
{
    public const string Active = "active";
    public const string Inactive = "inactive";
    public const string Error = "error";

    public static IReadOnlyList<string> All { get; } = [Active, Inactive, Error];

    /// <summary>The statuses a client may set; <c>error</c> is the service's verdict only.</summary>
    public static IReadOnlyList<string> ClientSettable { get; } = [Active, Inactive];

    public static string ToWire(this ProviderStatus status) => status switch
    {
        ProviderStatus.Active => Active,
        ProviderStatus.Inactive => Inactive,
        ProviderStatus.Error => Error,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static ProviderStatus Parse(string value) =>
        TryParse(value, out var status) ? status : throw new ArgumentException($"'{value}' is not a provider status.", nameof(value));

    public static bool TryParse(string? value, out ProviderStatus status)
    {
        switch (value)
        {
            case Active: status = ProviderStatus.Active; return true;
            case Inactive: status = ProviderStatus.Inactive; return true;
            case Error: status = ProviderStatus.Error; return true;
            default: status = default; return false;
        }
    }
}
