using System.Text.Json.Serialization;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Api.Endpoints.Providers;

/// <summary>The body of <c>POST /llm-providers</c>.</summary>
public sealed record CreateProviderRequest
{
    public string? Name { get; init; }
    public string? Provider { get; init; }
    public string? ApiKey { get; init; }
    public string? Model { get; init; }
    public string? BaseUrl { get; init; }
    public ProviderConfigurationRequest? Configuration { get; init; }

    public override string ToString() => $"CreateProviderRequest {{ Name = {Name}, Provider = {Provider} }}";
}

/// <summary>The body of <c>PATCH /llm-providers/{id}</c>: only the members present change; <c>configuration</c> merges key by key.</summary>
public sealed record UpdateProviderRequest
{
    private readonly ProviderConfigurationRequest? _configuration;
    private readonly bool _configurationPresent;

    public Optional<string?> Name { get; init; }
    public Optional<string?> Provider { get; init; }
    public Optional<string?> ApiKey { get; init; }
    public Optional<string?> Model { get; init; }
    public Optional<string?> BaseUrl { get; init; }
    /// <summary>
    /// A plain property, not an <see cref="Optional{T}"/>: the serializer then reads the object itself and reports a bad
    /// member by its full path (<c>configuration.temperature</c>). The setter runs only when the member is present.
    /// </summary>
    public ProviderConfigurationRequest? Configuration
    {
        get => _configuration;
        init
        {
            _configuration = value;
            _configurationPresent = true;
        }
    }

    [JsonIgnore]
    public bool HasConfiguration => _configurationPresent;
    public Optional<string?> Status { get; init; }

    public override string ToString() => "UpdateProviderRequest";
}

/// <summary>Default call parameters and price overrides. In a PATCH a key set to null is removed.</summary>
public sealed record ProviderConfigurationRequest
{
    public Optional<double?> Temperature { get; init; }
    public Optional<int?> MaxTokens { get; init; }
    public Optional<double?> TopP { get; init; }
    public Optional<string?> SystemPrompt { get; init; }
    public Optional<IReadOnlyList<string>?> Stop { get; init; }
    public Optional<int?> TimeoutSeconds { get; init; }
    public Optional<decimal?> InputCostPer1M { get; init; }
    public Optional<decimal?> OutputCostPer1M { get; init; }

    /// <summary><c>"configuration": null</c> in a PATCH removes every key.</summary>
    public static ProviderConfigurationPatch RemoveAll() => new()
    {
        Temperature = new Optional<double?>(null),
        MaxTokens = new Optional<int?>(null),
        TopP = new Optional<double?>(null),
        SystemPrompt = new Optional<string?>(null),
        Stop = new Optional<IReadOnlyList<string>?>(null),
        TimeoutSeconds = new Optional<int?>(null),
        InputCostPer1M = new Optional<decimal?>(null),
        OutputCostPer1M = new Optional<decimal?>(null),
    };
}

[Riok.Mapperly.Abstractions.Mapper]
public static partial class ProviderRequestMapper
{
    public static partial ProviderConfigurationPatch ToPatch(this ProviderConfigurationRequest request);
}
