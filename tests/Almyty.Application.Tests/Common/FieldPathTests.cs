using Almyty.Application.Common;

namespace Almyty.Application.Tests.Common;

public sealed class FieldPathTests
{
    [Theory]
    [InlineData("Name", "name")]
    [InlineData("ApiKey", "apiKey")]
    [InlineData("BaseUrl", "baseUrl")]
    [InlineData("SortBy", "sortBy")]
    [InlineData("Configuration.Temperature", "configuration.temperature")]
    [InlineData("Configuration.MaxTokens", "configuration.maxTokens")]
    [InlineData("Configuration.InputCostPer1M", "configuration.inputCostPer1M")]
    [InlineData("Stop[0]", "stop[0]")]
    [InlineData("Configuration.Stop[2]", "configuration.stop[2]")]
    [InlineData("A.B.C", "a.b.c")]
    public void FromPropertyPath_LowersTheFirstLetterOfEverySegment(string propertyPath, string expected) =>
        FieldPath.FromPropertyPath(propertyPath).ShouldBe(expected);

    [Theory]
    [InlineData("name")]
    [InlineData("configuration.temperature")]
    [InlineData("sortOrder")]
    public void FromPropertyPath_OfAPathAlreadyInJsonCase_ChangesNothing(string path) =>
        FieldPath.FromPropertyPath(path).ShouldBe(path);

    [Fact]
    public void FromPropertyPath_OfAnEmptyPath_IsEmpty() => FieldPath.FromPropertyPath(string.Empty).ShouldBe(string.Empty);

    [Fact]
    public void FromPropertyPath_OfNull_Throws() => Should.Throw<ArgumentNullException>(() => FieldPath.FromPropertyPath(null!));
}
