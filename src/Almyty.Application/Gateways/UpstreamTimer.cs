namespace Almyty.Application.Gateways;

/// <summary>The time one request spent waiting on providers, whatever the outcome; the rest is the service's own.</summary>
public sealed class UpstreamTimer
{
    private long _ticks;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Add(TimeSpan elapsed) => Interlocked.Add(ref _ticks, elapsed.Ticks);
}
