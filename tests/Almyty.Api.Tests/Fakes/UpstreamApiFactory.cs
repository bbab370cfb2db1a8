using Almyty.Api.Tests.Infrastructure;

namespace Almyty.Api.Tests.Fakes;

/// <summary>
/// The API on its own database, with fake upstreams on loopback that it is allowed to call, fast retries, a small
/// response cap and a circuit breaker that the fault tests of one class cannot trip by accident. The fakes live as
/// long as the test class.
/// </summary>
public class UpstreamApiFactory : ApiFactory, IAsyncLifetime
{
    /// <summary>The response cap the factories configure: small, so an oversized answer is cheap to send.</summary>
    public const int MaxResponseBytes = 65_536;

    /// <summary>Retries after the first attempt, set explicitly so fault tests can count upstream requests.</summary>
    public const int MaxRetryAttempts = 2;

    private readonly int _upstreamCount;
    private readonly List<FakeUpstream> _upstreams = [];

    public UpstreamApiFactory()
        : this(allowLoopback: true)
    {
    }

    protected UpstreamApiFactory(bool allowLoopback, int upstreamCount = 1)
    {
        _upstreamCount = upstreamCount;
        if (allowLoopback)
        {
            Settings["Egress:AllowedHosts:0"] = "127.0.0.1";
        }

        Settings["Gateways:RetryBaseDelayMilliseconds"] = "10";
        Settings["Gateways:MaxRetryAttempts"] = MaxRetryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:MaxResponseBytes"] = MaxResponseBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:CircuitMinimumThroughput"] = "1000000";
    }

    public FakeUpstream Upstream => Upstreams[0];

    public IReadOnlyList<FakeUpstream> Upstreams => _upstreams.Count > 0 ? _upstreams : throw new InvalidOperationException("The factory has not been initialized.");

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        for (var i = 0; i < _upstreamCount; i++)
        {
            _upstreams.Add(await FakeUpstream.StartAsync());
        }

        await InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var upstream in _upstreams)
        {
            await upstream.DisposeAsync();
        }

        _upstreams.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same API without any egress allowance: loopback upstreams are refused as the contract's default says.</summary>
public sealed class NoLoopbackApiFactory : UpstreamApiFactory
{
    public NoLoopbackApiFactory()
        : base(allowLoopback: false)
    {
    }
}

/// <summary>History replay bounded to the 4 most recent turns and 100 characters.</summary>
public sealed class BoundedHistoryApiFactory : UpstreamApiFactory
{
    public const int MaxTurns = 4;
    public const int MaxCharacters = 100;

    public BoundedHistoryApiFactory()
    {
        Settings["Chat:HistoryMaxTurns"] = MaxTurns.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Chat:HistoryMaxCharacters"] = MaxCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>History replay bounded to an odd number of turns, so a cut by messages would fall between a question and its answer.</summary>
public sealed class OddHistoryBoundApiFactory : UpstreamApiFactory
{
    public const int MaxTurns = 3;

    public OddHistoryBoundApiFactory() => Settings["Chat:HistoryMaxTurns"] = MaxTurns.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Two upstreams on two ports, one retry, and a circuit breaker that opens after a few failures and stays open.</summary>
public sealed class CircuitBreakerApiFactory : UpstreamApiFactory
{
    public const int MinimumThroughput = 4;

    public const string BreakSeconds = "60";

    public CircuitBreakerApiFactory()
        : base(allowLoopback: true, upstreamCount: 2)
    {
        Settings["Gateways:MaxRetryAttempts"] = "1";
        Settings["Gateways:CircuitMinimumThroughput"] = MinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:CircuitFailureRatio"] = "0.5";
        Settings["Gateways:CircuitSamplingSeconds"] = "60";
        Settings["Gateways:CircuitBreakSeconds"] = BreakSeconds;
    }
}

/// <summary>
/// A two-second connect timeout, longer than the one-second time budget the tests give their providers, and a circuit
/// breaker that a few failures open (half of at least <see cref="CircuitMinimumThroughput"/> calls).
/// </summary>
public sealed class SlowConnectApiFactory : UpstreamApiFactory
{
    public const int CircuitMinimumThroughput = 3;

    public SlowConnectApiFactory()
    {
        Settings["Gateways:ConnectTimeoutSeconds"] = "2";
        Settings["Gateways:CircuitMinimumThroughput"] = CircuitMinimumThroughput.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:CircuitFailureRatio"] = "0.5";
        Settings["Gateways:CircuitSamplingSeconds"] = "60";
        Settings["Gateways:CircuitBreakSeconds"] = "60";
    }
}

/// <summary>Retries turned off (Gateways:MaxRetryAttempts = 0, "retries after the first attempt" in docs/configuration.md).</summary>
public sealed class NoRetryApiFactory : UpstreamApiFactory
{
    public NoRetryApiFactory() => Settings["Gateways:MaxRetryAttempts"] = "0";
}

/// <summary>Usage records committed with a wait for the WAL flush (<c>Usage__SynchronousCommit=true</c>).</summary>
public sealed class SynchronousUsageApiFactory : UpstreamApiFactory
{
    public SynchronousUsageApiFactory() => Settings["Usage:SynchronousCommit"] = "true";
}

/// <summary>
/// The API on a real Kestrel socket (not the in-memory test server), so streamed answers go through the real HTTP
/// stack: chunked transfer, flushes, and a client that disconnects by closing its connection.
/// </summary>
public sealed class StreamingApiFactory : UpstreamApiFactory
{
    public StreamingApiFactory() => UseKestrel(0);
}

/// <summary>Real Kestrel, with a one-second attempt timeout: a stream that runs longer than any timeout must still complete.</summary>
public sealed class ShortTimeoutStreamingApiFactory : UpstreamApiFactory
{
    public ShortTimeoutStreamingApiFactory()
    {
        Settings["Gateways:AttemptTimeoutSeconds"] = "1";
        UseKestrel(0);
    }
}

/// <summary>
/// A listener that checks its triggers only every 300 s, so a test may switch them off for a moment to see what the
/// cache does without notifications.
/// </summary>
public sealed class SlowHeartbeatApiFactory : UpstreamApiFactory
{
    public SlowHeartbeatApiFactory() => Settings["ProviderCache:HeartbeatSeconds"] = "300";
}

/// <summary>A listener that checks its connection and its triggers every second.</summary>
public sealed class FastHeartbeatApiFactory : UpstreamApiFactory
{
    public FastHeartbeatApiFactory() => Settings["ProviderCache:HeartbeatSeconds"] = "1";
}

/// <summary>The provider cache turned off (<c>ProviderCache__Enabled=false</c>).</summary>
public sealed class NoProviderCacheApiFactory : UpstreamApiFactory
{
    public NoProviderCacheApiFactory() => Settings["ProviderCache:Enabled"] = "false";
}

/// <summary>
/// A one-second connect timeout, one retry, and a circuit that opens after four failed attempts (two chats) and stays
/// open, for providers whose host swallows connection attempts.
/// </summary>
public sealed class ConnectTimeoutApiFactory : UpstreamApiFactory
{
    public const int ConnectTimeoutSeconds = 1;
    public const int AttemptsPerCall = 2;

    public ConnectTimeoutApiFactory()
    {
        Settings["Gateways:ConnectTimeoutSeconds"] = ConnectTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:MaxRetryAttempts"] = (AttemptsPerCall - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:CircuitMinimumThroughput"] = (2 * AttemptsPerCall).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:CircuitFailureRatio"] = "0.5";
        Settings["Gateways:CircuitSamplingSeconds"] = "300";
        Settings["Gateways:CircuitBreakSeconds"] = "300";
    }
}

/// <summary>A one-second attempt timeout, shorter than the two-second connect timeout.</summary>
public sealed class ShortAttemptApiFactory : UpstreamApiFactory
{
    public const int AttemptTimeoutSeconds = 1;

    public ShortAttemptApiFactory()
    {
        Settings["Gateways:AttemptTimeoutSeconds"] = AttemptTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Settings["Gateways:ConnectTimeoutSeconds"] = "2";
    }
}
