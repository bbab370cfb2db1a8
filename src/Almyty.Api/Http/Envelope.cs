using System.Text.Json.Serialization;
using Almyty.Domain.Common;

namespace Almyty.Api.Http;

/// <summary>Every success: <c>{"success": true, "data": ...}</c>.</summary>
public sealed record SuccessEnvelope<T>(T Data)
{
    [JsonPropertyOrder(-1)]
    public bool Success => true;
}

/// <summary>Every failure: the platform's error shape; validation failures add <c>errors</c>.</summary>
public sealed record ErrorEnvelope(string Message, string Error, int StatusCode)
{
    [JsonPropertyOrder(-1)]
    public bool Success => false;

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FieldError>? Errors { get; init; }
}
