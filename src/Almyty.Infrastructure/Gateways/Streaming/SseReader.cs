using System.Buffers;

namespace Almyty.Infrastructure.Gateways.Streaming;

/// <summary>
/// Reads server-sent events from a stream, one event's <c>data</c> at a time, as the HTML standard parses them:
/// lines end in CRLF, LF or CR (also when the pair is split across reads), <c>:</c> lines are comments, several
/// <c>data:</c> lines join with a line feed, one space after the colon is dropped, and a blank line ends the event.
/// <c>event:</c>, <c>id:</c> and <c>retry:</c> are skipped: both providers repeat the event's type in its data, and a
/// byte order mark at the start is dropped. An event the stream ends in without its blank line is still delivered
/// (<see cref="EndedMidLine"/> tells whether its last line was cut off). Everything read counts against the cap.
/// </summary>
internal sealed class SseReader : IDisposable
{
    private const int InitialBufferSize = 8 * 1024;

    private static ReadOnlySpan<byte> DataField => "data"u8;

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly Stream _stream;
    private readonly long _maxBytes;
    private readonly Action? _beforeRead;
    private readonly Action? _afterRead;
    private readonly ArrayBufferWriter<byte> _data = new(1024);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;
    private long _total;
    private bool _hasData;
    private bool _endOfStream;
    private bool _byteOrderMarkSettled;

    /// <summary>The last line ended on a CR that closed the data read so far: an LF that follows belongs to it.</summary>
    private bool _skipLineFeed;

    /// <param name="beforeRead">Runs before each read from the stream (a keep-alive comment counts as activity too).</param>
    /// <param name="afterRead">Runs when each read from the stream has returned or failed.</param>
    public SseReader(Stream stream, long maxBytes, Action? beforeRead = null, Action? afterRead = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _maxBytes = maxBytes;
        _beforeRead = beforeRead;
        _afterRead = afterRead;
    }

    /// <summary>The data of the event just read, valid until the next read.</summary>
    public ReadOnlyMemory<byte> Data => _data.WrittenMemory;

    /// <summary>The stream ended in the middle of a line, so the last event's last line may be cut short.</summary>
    public bool EndedMidLine { get; private set; }

    /// <summary>Reads the next event that has data; false at the end of the stream.</summary>
    /// <exception cref="SseTooLargeException">The stream passed the cap.</exception>
    public async ValueTask<bool> ReadEventAsync(CancellationToken cancellationToken)
    {
        _data.ResetWrittenCount();
        _hasData = false;
        while (true)
        {
            if (!_byteOrderMarkSettled)
            {
                _byteOrderMarkSettled = TrySkipByteOrderMark();
                if (!_byteOrderMarkSettled)
                {
                    await FillAsync(cancellationToken);
                    continue;
                }
            }

            while (TryTakeLine(out var start, out var length))
            {
                if (length == 0)
                {
                    if (_hasData)
                    {
                        return true;
                    }

                    continue;
                }

                ProcessLine(_buffer.AsSpan(start, length));
            }

            if (_endOfStream)
            {
                if (_start < _end)
                {
                    ProcessLine(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    EndedMidLine = true;
                }

                var pending = _hasData;
                _hasData = false;
                return pending;
            }

            await FillAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Drops a byte order mark at the start of the stream; false while the bytes so far could still begin one.</summary>
    private bool TrySkipByteOrderMark()
    {
        var unread = _buffer.AsSpan(_start, _end - _start);
        if (unread.StartsWith(ByteOrderMark))
        {
            _start += ByteOrderMark.Length;
            return true;
        }

        return _endOfStream || !ByteOrderMark.StartsWith(unread);
    }

    private bool TryTakeLine(out int start, out int length)
    {
        if (_skipLineFeed && _start < _end)
        {
            _skipLineFeed = false;
            if (_buffer[_start] == (byte)'\n')
            {
                _start++;
            }
        }

        var unread = _buffer.AsSpan(_start, _end - _start);
        var index = unread.IndexOfAny((byte)'\r', (byte)'\n');
        if (index < 0)
        {
            start = length = 0;
            return false;
        }

        start = _start;
        length = index;
        var consumed = index + 1;
        if (unread[index] == (byte)'\r')
        {
            if (index + 1 < unread.Length)
            {
                consumed += unread[index + 1] == (byte)'\n' ? 1 : 0;
            }
            else
            {
                _skipLineFeed = true;
            }
        }

        _start += consumed;
        return true;
    }

    private void ProcessLine(ReadOnlySpan<byte> line)
    {
        if (line[0] == (byte)':')
        {
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        if (!field.SequenceEqual(DataField))
        {
            return;
        }

        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (_hasData)
        {
            _data.Write("\n"u8);
        }

        _data.Write(value);
        _hasData = true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Keep the unfinished line at the front, so the free space is all at the end.
            var remaining = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            // One line longer than the buffer: grow it (the cap bounds how far).
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _beforeRead?.Invoke();
        int read;
        try
        {
            read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        }
        finally
        {
            _afterRead?.Invoke();
        }

        if (read == 0)
        {
            _endOfStream = true;
            return;
        }

        _end += read;
        _total += read;
        if (_total > _maxBytes)
        {
            throw new SseTooLargeException(_maxBytes);
        }
    }
}

/// <summary>A streamed answer passed the response size cap.</summary>
internal sealed class SseTooLargeException(long maxBytes) : Exception($"The answer is larger than the limit of {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}
