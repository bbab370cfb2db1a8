using System.Diagnostics.CodeAnalysis;

namespace Almyty.Application.Common.Security;

/// <summary>What an operation needs of the caller's role.</summary>
[SuppressMessage("Naming", "CA1711", Justification = "A permission is what it is.")]
public enum Permission
{
    /// <summary>Read providers, sessions and usage: every role.</summary>
    Read,

    /// <summary>Test, chat and manage sessions: members and above.</summary>
    Use,

    /// <summary>Create, change and delete providers: admins and owners.</summary>
    Manage,
}

public static class Permissions
{
    public static bool Allows(this Role role, Permission permission) => permission switch
    {
        Permission.Read => true,
        Permission.Use => role >= Role.Member,
        Permission.Manage => role >= Role.Admin,
        _ => false,
    };
}

/// <summary>A message that a signed-in caller sends on behalf of an organization.</summary>
public interface IAuthorizedMessage
{
    Permission RequiredPermission { get; }
}
