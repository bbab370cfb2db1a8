namespace Almyty.Domain.Chat;

public static class ChatRules
{
    public const int MessageMaxLength = 100_000;
    public const int TitleMaxLength = 200;
    public const int ModelMaxLength = 200;
}
