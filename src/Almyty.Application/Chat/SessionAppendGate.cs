namespace Almyty.Application.Chat;

/// <summary>
/// Lets one append per session at a time through, in this process, before it takes a database connection. The
/// session's row lock still orders appends across instances; the gate keeps concurrent messages to one session from
/// each holding a pooled connection while they queue for that lock, which would leave every other request waiting
/// for a connection (ADR 0013).
/// </summary>
public sealed class SessionAppendGate
{
    private readonly Dictionary<Guid, Turnstile> _turnstiles = [];

    /// <summary>Waits for the session's turn; disposing the result lets the next append of that session in.</summary>
    public async Task<IDisposable> EnterAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        Turnstile turnstile;
        lock (_turnstiles)
        {
            if (!_turnstiles.TryGetValue(sessionId, out turnstile!))
            {
                turnstile = new Turnstile();
                _turnstiles.Add(sessionId, turnstile);
            }

            turnstile.Users++;
        }

        try
        {
            await turnstile.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(sessionId, turnstile, entered: false);
            throw;
        }

        return new Pass(this, sessionId, turnstile);
    }

    /// <summary>Sessions with an append inside or waiting; the rest are forgotten.</summary>
    internal int TrackedSessions
    {
        get
        {
            lock (_turnstiles)
            {
                return _turnstiles.Count;
            }
        }
    }

    private void Leave(Guid sessionId, Turnstile turnstile, bool entered)
    {
        if (entered)
        {
            turnstile.Semaphore.Release();
        }

        lock (_turnstiles)
        {
            if (--turnstile.Users == 0)
            {
                _turnstiles.Remove(sessionId);
            }
        }
    }

    private sealed class Turnstile
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Pass(SessionAppendGate gate, Guid sessionId, Turnstile turnstile) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                gate.Leave(sessionId, turnstile, entered: true);
            }
        }
    }
}
