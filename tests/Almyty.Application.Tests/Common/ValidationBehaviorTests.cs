using Almyty.Application.Common.Behaviors;
using Almyty.Application.Providers.CreateProvider;
using Almyty.Application.Providers.ListProviders;
using Almyty.Application.Providers.UpdateProvider;
using Almyty.Domain.Common;
using Almyty.Domain.Providers;
using FluentValidation;

namespace Almyty.Application.Tests.Common;

public sealed class ValidationBehaviorTests
{
    private static readonly CreateProviderCommand ValidCreate = new("OpenAI Production", "openai", "sk-proj-abcdefghAb3d", "gpt-4o", null, null);

    private int _handlerCalls;

    [Fact]
    public async Task AnInvalidMessage_FailsWithValidationErrorAndTheHandlerIsNotCalled()
    {
        var result = await Send(ValidCreate with { Name = null, Provider = "azure" });

        result.IsSuccess.ShouldBeFalse();
        result.Error.Code.ShouldBe(ErrorCodes.Validation);
        result.Error.Kind.ShouldBe(ErrorKind.Validation);
        result.Error.Fields.Select(f => f.Field).ShouldBe(["name", "provider"]);
        result.Error.Fields[0].Message.ShouldBe("'name' is required.");
        _handlerCalls.ShouldBe(0);
    }

    [Fact]
    public async Task ANestedConfigurationFailure_IsReportedUnderItsCamelCaseJsonPath()
    {
        var result = await Send(ValidCreate with { Configuration = new ProviderConfigurationPatch { Temperature = 3, MaxTokens = 0 } });

        result.Error.ShouldNotBeNull().Fields.Select(f => f.Field).ShouldBe(["configuration.temperature", "configuration.maxTokens"]);
        _handlerCalls.ShouldBe(0);
    }

    [Fact]
    public async Task ASingleFailure_BecomesTheErrorMessage()
    {
        var result = await Send(ValidCreate with { ApiKey = null });

        var error = result.Error.ShouldNotBeNull();
        error.Fields.ShouldHaveSingleItem().ShouldBe(new FieldError("apiKey", "'apiKey' is required."));
        error.Message.ShouldBe("'apiKey' is required.");
    }

    [Fact]
    public async Task SeveralFailures_GiveAGeneralMessage() =>
        (await Send(ValidCreate with { ApiKey = null, Name = null })).Error.ShouldNotBeNull().Message.ShouldBe("The request is invalid.");

    [Fact]
    public async Task AValidMessage_IsPassedToTheHandler()
    {
        var result = await Send(ValidCreate);

        result.IsSuccess.ShouldBeTrue();
        result.Value.ShouldBe("handled");
        _handlerCalls.ShouldBe(1);
    }

    [Fact]
    public async Task AMessageWithoutValidators_IsPassedToTheHandler()
    {
        var behavior = new ValidationBehavior<CreateProviderCommand, Result<string>>([]);

        var result = await behavior.Handle(ValidCreate with { Name = null }, Handler, TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeTrue();
        _handlerCalls.ShouldBe(1);
    }

    [Fact]
    public async Task FailuresOfEveryValidator_AreEachReportedOnce()
    {
        var extra = new InlineValidator<CreateProviderCommand>();
        extra.RuleFor(c => c.Model).Must(m => m != "gpt-4o").WithMessage("no gpt-4o here");
        var behavior = new ValidationBehavior<CreateProviderCommand, Result<string>>([new CreateProviderCommandValidator(), extra]);

        var result = await behavior.Handle(ValidCreate with { Name = null }, Handler, TestContext.Current.CancellationToken);

        result.Error.ShouldNotBeNull().Fields.ShouldBe([new FieldError("name", "'name' is required."), new FieldError("model", "no gpt-4o here")]);
        _handlerCalls.ShouldBe(0);
    }

    [Fact]
    public async Task UpdateFailures_UseTheJsonNamesOfTheOptionalFields()
    {
        var behavior = new ValidationBehavior<UpdateProviderCommand, Result<string>>([new UpdateProviderCommandValidator()]);

        var result = await behavior.Handle(
            new UpdateProviderCommand(Guid.CreateVersion7()) { Name = "", Status = "error", Configuration = new ProviderConfigurationPatch { TopP = 2 } },
            (_, _) => ValueTask.FromResult(Result<string>.Success("handled")),
            TestContext.Current.CancellationToken);

        result.Error.ShouldNotBeNull().Fields.Select(f => f.Field).ShouldBe(["name", "status", "configuration.topP"]);
    }

    [Fact]
    public async Task QueryFailures_UseTheQueryParameterNames()
    {
        var behavior = new ValidationBehavior<ListProvidersQuery, Result<string>>([new ListProvidersQueryValidator()]);

        var result = await behavior.Handle(
            new ListProvidersQuery(Limit: 101, SortBy: "updatedAt", SortOrder: "up"),
            (_, _) => ValueTask.FromResult(Result<string>.Success("handled")),
            TestContext.Current.CancellationToken);

        result.Error.ShouldNotBeNull().Fields.Select(f => f.Field).ShouldBe(["limit", "sortBy", "sortOrder"]);
    }

    [Fact]
    public async Task TheHandler_ReceivesTheCancellationToken()
    {
        using var cancellation = new CancellationTokenSource();
        CancellationToken seen = default;
        var behavior = new ValidationBehavior<CreateProviderCommand, Result<string>>([new CreateProviderCommandValidator()]);

        await behavior.Handle(
            ValidCreate,
            (_, token) =>
            {
                seen = token;
                return ValueTask.FromResult(Result<string>.Success("handled"));
            },
            cancellation.Token);

        seen.ShouldBe(cancellation.Token);
    }

    private ValueTask<Result<string>> Send(CreateProviderCommand command) =>
        new ValidationBehavior<CreateProviderCommand, Result<string>>([new CreateProviderCommandValidator()])
            .Handle(command, Handler, TestContext.Current.CancellationToken);

    private ValueTask<Result<string>> Handler(CreateProviderCommand command, CancellationToken cancellationToken)
    {
        _handlerCalls++;
        return ValueTask.FromResult(Result<string>.Success("handled"));
    }
}
