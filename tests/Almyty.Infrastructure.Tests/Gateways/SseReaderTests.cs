using System.Text;
using Almyty.Infrastructure.Gateways.Streaming;

namespace Almyty.Infrastructure.Tests.Gateways;

public sealed class SseReaderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reads_each_events_data_in_order()
    {
        var events = await ReadAllAsync("data: one\n\ndata: two\n\n");

        events.ShouldBe(["one", "two"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Events_split_across_reads_at_any_byte_come_out_whole(int readSize)
    {
        const string Wire = "event: content_block_delta\r\ndata: {\"a\":\"h\u00e9llo \u4e16\u754c\"}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n";

        var events = await ReadAllAsync(Wire, readSize);

        events.ShouldBe(["{\"a\":\"h\u00e9llo \u4e16\u754c\"}", "[DONE]"]);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task Every_line_ending_the_standard_allows_is_understood(string newline)
    {
        var wire = $"data: a{newline}{newline}data: b{newline}{newline}";

        (await ReadAllAsync(wire)).ShouldBe(["a", "b"]);
        (await ReadAllAsync(wire, readSize: 1)).ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task A_cr_at_the_end_of_one_read_and_its_lf_at_the_start_of_the_next_make_one_line_end()
    {
        var events = await ReadAllAsync(["data: a\r", "\n\r", "\ndata: b\r", "\n", "\r\n"]);

        events.ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task Several_data_lines_join_with_a_line_feed()
    {
        var events = await ReadAllAsync("data: {\"a\":\ndata:1}\ndata\n\n");

        events.ShouldBe(["{\"a\":\n1}\n"]);
    }

    [Fact]
    public async Task Comments_and_other_fields_are_skipped_and_an_event_without_data_is_not_an_event()
    {
        var events = await ReadAllAsync(": ping\n\nevent: ping\nid: 7\nretry: 1000\n\nevent: x\ndata:  two spaces\n\n");

        events.ShouldBe([" two spaces"], "only the one space after the colon is dropped");
    }

    [Fact]
    public async Task An_event_the_stream_ends_in_without_a_blank_line_is_still_delivered()
    {
        (await ReadAllAsync("data: a\n\ndata: [DONE]\n")).ShouldBe(["a", "[DONE]"]);
        (await ReadAllAsync("data: a\n\ndata: [DONE]")).ShouldBe(["a", "[DONE]"]);
    }

    [Fact]
    public async Task Whether_the_stream_ended_in_the_middle_of_a_line_is_told()
    {
        using var cut = new SseReader(new ChunkedStream([Encoding.UTF8.GetBytes("data: a\n\ndata: {\"x\":")], int.MaxValue), 1_000);
        (await cut.ReadEventAsync(Token)).ShouldBeTrue();
        cut.EndedMidLine.ShouldBeFalse("the first event's lines all ended");
        (await cut.ReadEventAsync(Token)).ShouldBeTrue();
        Encoding.UTF8.GetString(cut.Data.Span).ShouldBe("{\"x\":");
        cut.EndedMidLine.ShouldBeTrue();

        using var whole = new SseReader(new ChunkedStream([Encoding.UTF8.GetBytes("data: a\n\ndata: [DONE]\n")], int.MaxValue), 1_000);
        while (await whole.ReadEventAsync(Token))
        {
        }

        whole.EndedMidLine.ShouldBeFalse("an event without its blank line is not a cut line");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public async Task A_byte_order_mark_at_the_start_is_dropped_even_when_split_across_reads(int readSize)
    {
        var events = await ReadAllAsync(["\uFEFFdata: a\n\ndata: \uFEFFb\n\n"], readSize);

        events.ShouldBe(["a", "\uFEFFb"], "only the mark at the very start of the stream is dropped");
    }

    [Fact]
    public async Task An_empty_data_line_is_an_event_with_empty_data_as_the_standard_says()
    {
        (await ReadAllAsync("data:\n\ndata: a\n\n")).ShouldBe(["", "a"]);
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_is_read_whole()
    {
        var text = new string('x', 50_000);

        var events = await ReadAllAsync($"data: {text}\n\ndata: after\n\n", readSize: 4_096);

        events.ShouldBe([text, "after"]);
    }

    [Fact]
    public async Task A_stream_over_the_cap_is_refused_as_soon_as_it_passes_it()
    {
        var wire = string.Concat(Enumerable.Repeat("data: 0123456789\n\n", 100));
        using var reader = new SseReader(new ChunkedStream([Encoding.UTF8.GetBytes(wire)], 64), maxBytes: 1_000);
        var read = 0;

        var refused = await Should.ThrowAsync<SseTooLargeException>(async () =>
        {
            while (await reader.ReadEventAsync(Token))
            {
                read++;
            }
        });

        refused.MaxBytes.ShouldBe(1_000);
        read.ShouldBeLessThan(100);
        read.ShouldBeGreaterThan(40);
    }

    [Fact]
    public async Task Every_read_is_announced_before_and_after_so_the_idle_bound_runs_only_while_reading()
    {
        var calls = new List<string>();
        var stream = new ChunkedStream([Encoding.UTF8.GetBytes(": keep-alive\n\n"), Encoding.UTF8.GetBytes("data: a\n\n")], int.MaxValue, onRead: () => calls.Add("read"));
        using var reader = new SseReader(stream, 10_000, () => calls.Add("before"), () => calls.Add("after"));

        (await reader.ReadEventAsync(Token)).ShouldBeTrue();

        calls.ShouldBe(["before", "read", "after", "before", "read", "after"], "the comment's read counts as activity too");
    }

    private static Task<List<string>> ReadAllAsync(string wire, int readSize = int.MaxValue) =>
        ReadAllAsync([wire], readSize);

    private static async Task<List<string>> ReadAllAsync(string[] chunks, int readSize = int.MaxValue)
    {
        using var reader = new SseReader(new ChunkedStream(chunks.Select(Encoding.UTF8.GetBytes).ToList(), readSize), 1_000_000);
        var events = new List<string>();
        while (await reader.ReadEventAsync(Token))
        {
            events.Add(Encoding.UTF8.GetString(reader.Data.Span));
        }

        (await reader.ReadEventAsync(Token)).ShouldBeFalse("the end stays the end");
        return events;
    }

    /// <summary>A stream that hands out its chunks one read at a time, each cut to at most <c>readSize</c> bytes, as a socket may.</summary>
    private sealed class ChunkedStream(IReadOnlyList<byte[]> chunks, int readSize, Action? onRead = null) : ReadOnlyTestStream
    {
        private int _chunk;
        private int _offset;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onRead?.Invoke();
            if (_chunk == chunks.Count)
            {
                return ValueTask.FromResult(0);
            }

            var source = chunks[_chunk].AsSpan(_offset);
            var count = Math.Min(Math.Min(source.Length, buffer.Length), readSize);
            source[..count].CopyTo(buffer.Span);
            _offset += count;
            if (_offset == chunks[_chunk].Length)
            {
                _chunk++;
                _offset = 0;
            }

            return ValueTask.FromResult(count);
        }
    }
}
