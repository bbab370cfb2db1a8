using System.Text.Json.Serialization;
using Almyty.Application.Common.Security;
using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Providers.TestProvider;

/// <summary>A real, minimal call to the provider with the stored key and default model.</summary>
public sealed record TestProviderCommand(Guid Id) : ICommand<Result<TestProviderResponse>>, IAuthorizedMessage
{
    public Permission RequiredPermission => Permission.Use;
}

/// <param name="ResponseTime">Milliseconds until the provider answered; null when it never did.</param>
public sealed record TestProviderResponse(string Status, string? Model, int? ResponseTime)
{
    public const string Ok = "ok";
    public const string Failed = "error";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TestProviderError? Error { get; init; }
}

public sealed record TestProviderError(string Code, string Message);
