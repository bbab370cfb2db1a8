using Almyty.Application.Common.Abstractions;
using Almyty.Application.Common.Behaviors;
using Almyty.Application.Common.Security;
using Almyty.Application.Providers.CreateProvider;
using Almyty.Application.Providers.DeleteProvider;
using Almyty.Application.Providers.GetProvider;
using Almyty.Application.Providers.ListProviders;
using Almyty.Application.Providers.UpdateProvider;
using Almyty.Application.Secrets.RotateSecrets;
using Almyty.Domain.Common;
using Mediator;
using NSubstitute;

namespace Almyty.Application.Tests.Common;

public sealed class AuthorizationBehaviorTests
{
    private readonly ICurrentPrincipal _principal = Substitute.For<ICurrentPrincipal>();
    private int _handlerCalls;

    [Theory]
    [InlineData(Permission.Read)]
    [InlineData(Permission.Manage)]
    public async Task AMessageFromSomeoneWithoutAnOrganization_IsUnauthorizedAndNeverHandled(Permission permission)
    {
        SignIn(organizationId: null, Role.Owner);

        var result = await Send(new ProtectedMessage(permission));

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Unauthorized);
        result.Error.Kind.ShouldBe(ErrorKind.Unauthorized);
        _handlerCalls.ShouldBe(0);
    }

    [Theory]
    [InlineData(Role.Viewer, Permission.Use)]
    [InlineData(Role.Viewer, Permission.Manage)]
    [InlineData(Role.Member, Permission.Manage)]
    public async Task AMessageNeedingMoreThanTheCallersRole_IsForbiddenAndNeverHandled(Role role, Permission permission)
    {
        SignIn("org-1", role);

        var result = await Send(new ProtectedMessage(permission));

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Forbidden);
        result.Error.Kind.ShouldBe(ErrorKind.Forbidden);
        result.Error.Message.ShouldContain(permission.ToString().ToLowerInvariant());
        _handlerCalls.ShouldBe(0);
    }

    [Fact]
    public async Task ACallerWithAnOrganizationButNoRecognisedRole_IsForbiddenEvenToRead()
    {
        SignIn("org-1", role: null);

        var result = await Send(new ProtectedMessage(Permission.Read));

        result.Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);
        _handlerCalls.ShouldBe(0);
    }

    [Theory]
    [InlineData(Role.Viewer, Permission.Read)]
    [InlineData(Role.Member, Permission.Read)]
    [InlineData(Role.Member, Permission.Use)]
    [InlineData(Role.Admin, Permission.Read)]
    [InlineData(Role.Admin, Permission.Use)]
    [InlineData(Role.Admin, Permission.Manage)]
    [InlineData(Role.Owner, Permission.Read)]
    [InlineData(Role.Owner, Permission.Use)]
    [InlineData(Role.Owner, Permission.Manage)]
    public async Task AMessageTheCallersRoleAllows_IsPassedToTheHandler(Role role, Permission permission)
    {
        SignIn("org-1", role);

        var result = await Send(new ProtectedMessage(permission));

        result.IsSuccess.ShouldBeTrue();
        result.Value.ShouldBe("handled");
        _handlerCalls.ShouldBe(1);
    }

    [Fact]
    public async Task AMessageThatNeedsNoPermission_IsHandledWithoutAskingWhoIsCalling()
    {
        var behavior = new AuthorizationBehavior<OpenMessage, Result<string>>(_principal);

        var result = await behavior.Handle(new OpenMessage(), Handler<OpenMessage>, TestContext.Current.CancellationToken);

        result.Value.ShouldBe("handled");
        _handlerCalls.ShouldBe(1);
        _ = _principal.DidNotReceive().OrganizationId;
        _ = _principal.DidNotReceive().Role;
    }

    [Fact]
    public async Task TheHandler_ReceivesTheSameMessageAndCancellationToken()
    {
        SignIn("org-1", Role.Admin);
        var message = new ProtectedMessage(Permission.Manage);
        var behavior = new AuthorizationBehavior<ProtectedMessage, Result<string>>(_principal);
        ProtectedMessage? seen = null;
        CancellationToken seenToken = default;
        using var cancellation = new CancellationTokenSource();

        await behavior.Handle(
            message,
            (m, token) =>
            {
                seen = m;
                seenToken = token;
                return ValueTask.FromResult(Result<string>.Success("handled"));
            },
            cancellation.Token);

        seen.ShouldBeSameAs(message);
        seenToken.ShouldBe(cancellation.Token);
    }

    [Fact]
    public async Task CreatingAProvider_IsForbiddenToAMember()
    {
        SignIn("org-1", Role.Member);
        var behavior = new AuthorizationBehavior<CreateProviderCommand, Result<string>>(_principal);

        var result = await behavior.Handle(
            new CreateProviderCommand("n", "openai", "sk-abc", null, null, null),
            Handler<CreateProviderCommand>,
            TestContext.Current.CancellationToken);

        result.Error.ShouldNotBeNull().Code.ShouldBe(ErrorCodes.Forbidden);
        _handlerCalls.ShouldBe(0);
    }

    [Fact]
    public async Task ListingProviders_IsAllowedToAViewer()
    {
        SignIn("org-1", Role.Viewer);
        var behavior = new AuthorizationBehavior<ListProvidersQuery, Result<string>>(_principal);

        var result = await behavior.Handle(new ListProvidersQuery(), Handler<ListProvidersQuery>, TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeTrue();
        _handlerCalls.ShouldBe(1);
    }

    [Fact]
    public void ProviderMessages_RequireTheContractsPermissions()
    {
        var id = Guid.CreateVersion7();

        new CreateProviderCommand(null, null, null, null, null, null).RequiredPermission.ShouldBe(Permission.Manage);
        new UpdateProviderCommand(id).RequiredPermission.ShouldBe(Permission.Manage);
        new DeleteProviderCommand(id, null).RequiredPermission.ShouldBe(Permission.Manage);
        new GetProviderQuery(id).RequiredPermission.ShouldBe(Permission.Read);
        new ListProvidersQuery().RequiredPermission.ShouldBe(Permission.Read);
    }

    [Fact]
    public void RotatingSecrets_IsAnOperatorCommandOutsideTheRoleRules() =>
        new RotateSecretsCommand().ShouldNotBeAssignableTo<IAuthorizedMessage>();

    private void SignIn(string? organizationId, Role? role)
    {
        _principal.OrganizationId.Returns(organizationId);
        _principal.Role.Returns(role);
        _principal.UserId.Returns("user-1");
    }

    private ValueTask<Result<string>> Send(ProtectedMessage message) =>
        new AuthorizationBehavior<ProtectedMessage, Result<string>>(_principal)
            .Handle(message, Handler<ProtectedMessage>, TestContext.Current.CancellationToken);

    private ValueTask<Result<string>> Handler<TMessage>(TMessage message, CancellationToken cancellationToken)
    {
        _handlerCalls++;
        return ValueTask.FromResult(Result<string>.Success("handled"));
    }

    public sealed record ProtectedMessage(Permission RequiredPermission) : ICommand<Result<string>>, IAuthorizedMessage;

    public sealed record OpenMessage : ICommand<Result<string>>;
}
