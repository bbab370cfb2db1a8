namespace Almyty.Domain.Chat;

public enum ChatRole
{
    User,
    Assistant,
}

public static class ChatRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
    public const string System = "system";

    public static string ToWire(this ChatRole role) => role == ChatRole.User ? User : Assistant;

    public static ChatRole Parse(string value) => value switch
    {
        User => ChatRole.User,
        Assistant => ChatRole.Assistant,
        _ => throw new ArgumentException($"'{value}' is not a stored chat role.", nameof(value)),
    };
}
