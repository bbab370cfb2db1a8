using Almyty.Application.Common.Security;

namespace Almyty.Application.Tests.Common;

public sealed class PermissionsTests
{
    [Theory]
    [InlineData(Role.Viewer, Permission.Read, true)]
    [InlineData(Role.Viewer, Permission.Use, false)]
    [InlineData(Role.Viewer, Permission.Manage, false)]
    [InlineData(Role.Member, Permission.Read, true)]
    [InlineData(Role.Member, Permission.Use, true)]
    [InlineData(Role.Member, Permission.Manage, false)]
    [InlineData(Role.Admin, Permission.Read, true)]
    [InlineData(Role.Admin, Permission.Use, true)]
    [InlineData(Role.Admin, Permission.Manage, true)]
    [InlineData(Role.Owner, Permission.Read, true)]
    [InlineData(Role.Owner, Permission.Use, true)]
    [InlineData(Role.Owner, Permission.Manage, true)]
    public void Allows_FollowsTheRoleMatrix(Role role, Permission permission, bool allowed) =>
        role.Allows(permission).ShouldBe(allowed);

    [Fact]
    public void Allows_AnUndefinedPermission_IsRefusedEvenForTheOwner() => Role.Owner.Allows((Permission)42).ShouldBeFalse();

    [Theory]
    [InlineData("owner", Role.Owner)]
    [InlineData("admin", Role.Admin)]
    [InlineData("member", Role.Member)]
    [InlineData("viewer", Role.Viewer)]
    public void Roles_TryParse_AContractRole_GivesIt(string value, Role expected)
    {
        Roles.TryParse(value, out var role).ShouldBeTrue();
        role.ShouldBe(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Owner")]
    [InlineData("superuser")]
    public void Roles_TryParse_AnythingElse_Fails(string? value) => Roles.TryParse(value, out _).ShouldBeFalse();
}
