using Almyty.Domain.Common;

namespace Almyty.Domain.Tests.Common;

public sealed class CharactersTests
{
    private const string Emoji = "\U0001F600"; // one character, two UTF-16 units

    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData(Emoji, 1)]
    [InlineData("a" + Emoji + "b" + Emoji, 4)]
    [InlineData("é", 1)]
    public void Count_counts_code_points(string value, int expected) => Characters.Count(value).ShouldBe(expected);

    [Fact]
    public void Count_takes_an_unpaired_surrogate_as_one_character_as_Truncate_does()
    {
        Characters.Count("\uDC00a").ShouldBe(2);
        Characters.Count("a\uD83D").ShouldBe(2);
        Characters.Count("\uDC00\uD83D").ShouldBe(2);
        Characters.Truncate("\uDC00\uD83Da", 2).ShouldBe("\uDC00\uD83D");
    }

    [Fact]
    public void CountIsBetween_takes_a_hundred_emoji_as_a_hundred_characters()
    {
        var hundred = string.Concat(Enumerable.Repeat(Emoji, 100));

        Characters.CountIsBetween(hundred, 1, 100).ShouldBeTrue();
        Characters.CountIsBetween(hundred + Emoji, 1, 100).ShouldBeFalse();
        Characters.CountIsBetween(hundred + "a", 1, 100).ShouldBeFalse();
    }

    [Theory]
    [InlineData("", 1, 5, false)]
    [InlineData("a", 1, 5, true)]
    [InlineData(Emoji, 2, 5, false)]
    [InlineData(Emoji + Emoji, 2, 5, true)]
    [InlineData("abcdef", 1, 5, false)]
    [InlineData(Emoji + Emoji + Emoji + Emoji + Emoji, 1, 5, true)]
    [InlineData(Emoji + Emoji + Emoji + Emoji + Emoji + Emoji, 1, 5, false)]
    public void CountIsBetween_decides_at_both_bounds(string value, int min, int max, bool expected) =>
        Characters.CountIsBetween(value, min, max).ShouldBe(expected);

    [Theory]
    [InlineData('\u0000', true)]
    [InlineData('\n', true)]
    [InlineData('\u007f', true)]
    [InlineData('\u0085', true)]
    [InlineData('\u009b', true)]
    [InlineData('\u2028', true)]
    [InlineData('\u2029', true)]
    [InlineData(' ', false)]
    [InlineData('\u00a0', false)]
    [InlineData('\u200b', false)]
    [InlineData('a', false)]
    public void IsControl_covers_c0_del_c1_and_the_line_and_paragraph_separators(char c, bool expected)
    {
        Characters.IsControl(c).ShouldBe(expected);
        Characters.HasControl($"a{c}b").ShouldBe(expected);
    }

    [Fact]
    public void Truncate_never_splits_a_surrogate_pair()
    {
        Characters.Truncate("ab" + Emoji + "cd", 3).ShouldBe("ab" + Emoji);
        Characters.Truncate(Emoji + Emoji + Emoji, 2).ShouldBe(Emoji + Emoji);
        Characters.Truncate("abc", 5).ShouldBe("abc");
        Characters.Truncate("abc", 0).ShouldBe(string.Empty);
    }

    [Fact]
    public void Last_takes_whole_characters_from_the_end()
    {
        Characters.Last("abcdef", 4).ShouldBe("cdef");
        Characters.Last("abc" + Emoji + Emoji + Emoji + Emoji, 4).ShouldBe(Emoji + Emoji + Emoji + Emoji);
        Characters.Last("ab" + Emoji, 2).ShouldBe("b" + Emoji);
        Characters.Last("ab", 4).ShouldBe("ab");
    }
}
