using Almyty.Application.Common;
using Almyty.Domain.Common;
using FluentValidation;

namespace Almyty.Application.Tests;

/// <summary>Runs a validator and reports its failures with the field paths the API reports (as the ValidationBehavior does).</summary>
internal static class ValidationResults
{
    public static IReadOnlyList<FieldError> Errors<T>(this IValidator<T> validator, T message) =>
        [.. validator.Validate(message).Errors.Select(e => new FieldError(FieldPath.FromPropertyPath(e.PropertyName), e.ErrorMessage))];

    public static void ShouldBeValid<T>(this IValidator<T> validator, T message)
    {
        var errors = validator.Errors(message);
        errors.ShouldBeEmpty(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")));
    }

    /// <summary>Asserts that the message fails on exactly one field, and gives that failure's message.</summary>
    public static string ShouldFailOnlyOn<T>(this IValidator<T> validator, T message, string field)
    {
        var errors = validator.Errors(message);
        errors.ShouldNotBeEmpty($"expected a failure on '{field}'");
        errors.Select(e => e.Field).Distinct().ShouldBe([field], $"failures: {string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}"))}");
        return errors[0].Message;
    }
}
