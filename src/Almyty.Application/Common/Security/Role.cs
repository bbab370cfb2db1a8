namespace Almyty.Application.Common.Security;

public enum Role
{
    Viewer,
    Member,
    Admin,
    Owner,
}

public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    public static IReadOnlyList<string> All { get; } = [Owner, Admin, Member, Viewer];

    public static bool TryParse(string? value, out Role role)
    {
        switch (value)
        {
            case Owner: role = Role.Owner; return true;
            case Admin: role = Role.Admin; return true;
            case Member: role = Role.Member; return true;
            case Viewer: role = Role.Viewer; return true;
            default: role = default; return false;
        }
    }
}
