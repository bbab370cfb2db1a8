using Almyty.Domain.Common;
using Mediator;

namespace Almyty.Application.Secrets.RotateSecrets;

/// <summary>Re-encrypts every stored API key, in every organization, under the active key. An operator command, not an HTTP one.</summary>
public sealed record RotateSecretsCommand(int BatchSize = 500) : ICommand<Result<RotateSecretsResponse>>;

public sealed record RotateSecretsResponse(int Examined, int Rotated);
