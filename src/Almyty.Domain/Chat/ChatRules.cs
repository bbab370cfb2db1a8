namespace Almyty.Domain.Chat;

public static class ChatRules
{
    public const int MessageMaxLength = 100_000;
    public const int TitleMaxLength = 200;

    /// <summary>A session's own system prompt has the same limit as the provider configuration's.</summary>
    public const int SystemPromptMaxLength = Providers.ProviderRules.SystemPromptMaxLength;
    public const int ModelMaxLength = 200;
}
