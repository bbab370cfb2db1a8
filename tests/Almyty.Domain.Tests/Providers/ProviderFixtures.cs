using Almyty.Domain.Common;
using Almyty.Domain.Providers;

namespace Almyty.Domain.Tests.Providers;

/// <summary>Builds valid providers so each test states only what it is about.</summary>
internal static class ProviderFixtures
{
    public const string OrganizationId = "org-1";
    public const string ApiKey = "sk-proj-abcdefghAb3d";

    public static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static readonly Uri CustomBaseUrl = new("https://llm.example.com/v1");

    public static EncryptedSecret Secret(byte marker = 1) => new("k1", [1, 2, 3, marker]);

    public static Result<LlmProvider> TryCreate(
        ProviderKind kind = ProviderKind.OpenAi,
        string name = "OpenAI Production",
        string? model = null,
        Uri? baseUrl = null,
        ProviderConfiguration? configuration = null,
        DateTimeOffset? now = null) =>
        LlmProvider.Create(
            Guid.CreateVersion7(),
            OrganizationId,
            name,
            kind,
            model,
            baseUrl,
            configuration ?? ProviderConfiguration.Empty,
            Secret(),
            ApiKeyHint.For(ApiKey),
            now ?? Now);

    public static LlmProvider Create(
        ProviderKind kind = ProviderKind.OpenAi,
        string name = "OpenAI Production",
        string? model = null,
        Uri? baseUrl = null,
        ProviderConfiguration? configuration = null)
    {
        var result = TryCreate(kind, name, model, baseUrl ?? (kind == ProviderKind.Custom ? CustomBaseUrl : null), configuration);
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value;
    }
}
