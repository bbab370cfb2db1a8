using Almyty.Domain.Common;

namespace Almyty.Domain.Providers;

public static class ProviderErrors
{
    public static Error NotFound(Guid id) => Error.NotFound($"Provider '{id}' was not found.");

    public static Error DuplicateName(string name) => Error.Conflict($"A provider named '{name}' already exists in this organization.");

    public static Error BaseUrlRequired() => Error.Validation("baseUrl", "A custom provider requires 'baseUrl'.");

    public static Error TemperatureOutOfRange(ProviderKind kind) =>
        Error.Validation("configuration.temperature", $"'temperature' must be between 0 and {kind.MaxTemperature():0.#} for {kind.ToWire()} providers.");

    public static Error StopNotAccepted(ProviderKind kind) =>
        Error.Validation("configuration.stop", $"Each 'stop' string must hold a character other than whitespace for {kind.ToWire()} providers.");

    public static Error VersionMismatch() => Error.PreconditionFailed("The provider has changed since it was read (If-Match does not match its ETag).");

    public static Error ModifiedConcurrently() => Error.Conflict("The provider was changed by another request at the same time; read it again and retry.");

    public static Error Disabled(Guid id) => Error.Conflict($"Provider '{id}' is inactive; set its status to 'active' first.");
}
