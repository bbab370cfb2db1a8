using Almyty.Domain.Common;

namespace Almyty.Application.Chat;

public static class ChatErrors
{
    public static Error SessionOfAnotherProvider(Guid sessionId) =>
        Error.Conflict($"Session '{sessionId}' belongs to another provider.");

    public static Error SessionNotFound(Guid sessionId) => Error.NotFound($"Session '{sessionId}' was not found.");

    public static Error ModelRequired() =>
        Error.Validation("model", "This provider has no default model: name one in the request or set the provider's 'model'.");

    public static Error TemperatureOutOfRange(double max) =>
        Error.Validation("temperature", $"'temperature' must be between 0 and {max:0.#} for this provider.");

    public static Error StopNotAccepted() =>
        Error.Validation("stop", "Each 'stop' string must hold a character other than whitespace for this provider (Anthropic refuses one of whitespace alone).");

    public static Error SessionBusy(Guid sessionId) =>
        Error.Conflict($"Session '{sessionId}' is receiving too many messages at once; the reply was not stored. Try again.");
}

/// <summary>Usage outcomes that are not an error code.</summary>
public static class ChatOutcomes
{
    /// <summary>The caller went away before the provider had answered in full.</summary>
    public const string Cancelled = "CANCELLED";
}
