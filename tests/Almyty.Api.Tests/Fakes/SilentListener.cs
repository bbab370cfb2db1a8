using System.Net;
using System.Net.Sockets;

namespace Almyty.Api.Tests.Fakes;

/// <summary>A loopback port that never says a word: it listens, and never accepts a connection itself.</summary>
public sealed class SilentListener : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    private SilentListener()
    {
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public string OpenAiBaseUrl => $"http://127.0.0.1:{Port}/v1";

    public string OpenAiHttpsBaseUrl => $"https://127.0.0.1:{Port}/v1";

    /// <summary>
    /// Connections are completed by the kernel into the listener's queue, and then nothing: no TLS handshake, no
    /// answer.
    /// </summary>
    public static SilentListener AcceptingConnections()
    {
        var silent = new SilentListener();
        silent._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent._listener.Listen(64);
        return silent;
    }

    /// <summary>
    /// Connection attempts are dropped, as a firewall that swallows packets would: the queue is filled first, and
    /// the kernel then ignores every further attempt, so a client's connect waits until its own timeout.
    /// </summary>
    public static async Task<SilentListener> DroppingConnectionsAsync()
    {
        var silent = new SilentListener();
        silent._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent._listener.Listen(0);

        // The queue holds a connection or two; the first filler whose connect does not complete shows it is full.
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            silent._fillers.Add(filler);
            using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(IPAddress.Loopback, silent.Port, attempt.Token);
            }
            catch (OperationCanceledException)
            {
                return silent;
            }
        }

        silent.Dispose();
        throw new InvalidOperationException("The listener kept accepting connections into its queue; no port to stay silent on.");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
        {
            filler.Dispose();
        }

        _listener.Dispose();
    }
}
