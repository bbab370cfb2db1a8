using Almyty.Domain.Common;

namespace Almyty.Domain.Tests.Common;

public sealed class ResultTests
{
    private static readonly Error SomeError = Error.NotFound("Nothing here.");

    [Fact]
    public void Success_HoldsTheValueAndNoError()
    {
        var result = Result<int>.Success(42);

        result.IsSuccess.ShouldBeTrue();
        result.Value.ShouldBe(42);
        result.Error.ShouldBeNull();
    }

    [Fact]
    public void Failure_HoldsTheErrorAndIsNotSuccessful()
    {
        var result = Result<int>.Failure(SomeError);

        result.IsSuccess.ShouldBeFalse();
        result.Error.ShouldBe(SomeError);
    }

    [Fact]
    public void Value_OfAFailure_ThrowsNamingTheErrorCode()
    {
        var result = Result<string>.Failure(SomeError);

        Should.Throw<InvalidOperationException>(() => result.Value).Message.ShouldContain(ErrorCodes.NotFound);
    }

    [Fact]
    public void AValue_ConvertsImplicitlyToASuccess()
    {
        Result<string> result = "hello";

        result.IsSuccess.ShouldBeTrue();
        result.Value.ShouldBe("hello");
    }

    [Fact]
    public void AnError_ConvertsImplicitlyToAFailure()
    {
        Result<string> result = SomeError;

        result.IsSuccess.ShouldBeFalse();
        result.Error.ShouldBeSameAs(SomeError);
    }

    [Fact]
    public void Failure_CanBeBuiltByGenericCodeThroughTheFailureFactory()
    {
        var result = BuildFailure<Result<DateTime>>(SomeError);

        result.IsSuccess.ShouldBeFalse();
        result.Error.ShouldBe(SomeError);
    }

    [Fact]
    public void Validation_WithOneField_UsesThatFieldsMessage()
    {
        var error = Error.Validation("name", "'name' is required.");

        error.Code.ShouldBe(ErrorCodes.Validation);
        error.Kind.ShouldBe(ErrorKind.Validation);
        error.Message.ShouldBe("'name' is required.");
        error.Fields.ShouldBe([new FieldError("name", "'name' is required.")]);
    }

    [Fact]
    public void Validation_WithSeveralFields_UsesAGeneralMessageAndKeepsEveryField()
    {
        FieldError[] fields = [new("name", "bad name"), new("apiKey", "bad key")];

        var error = Error.Validation(fields);

        error.Message.ShouldBe("The request is invalid.");
        error.Fields.ShouldBe(fields);
    }

    [Theory]
    [InlineData(ErrorKind.NotFound, ErrorCodes.NotFound)]
    [InlineData(ErrorKind.Conflict, ErrorCodes.Conflict)]
    [InlineData(ErrorKind.PreconditionFailed, ErrorCodes.PreconditionFailed)]
    public void Factories_GiveTheStableCodeForTheirKind(ErrorKind kind, string code)
    {
        var error = kind switch
        {
            ErrorKind.NotFound => Error.NotFound("m"),
            ErrorKind.Conflict => Error.Conflict("m"),
            _ => Error.PreconditionFailed("m"),
        };

        error.Kind.ShouldBe(kind);
        error.Code.ShouldBe(code);
        error.Fields.ShouldBeEmpty();
    }

    private static T BuildFailure<T>(Error error)
        where T : IFailureFactory<T> => T.Failure(error);
}
