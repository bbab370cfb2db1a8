using System.Net;
using System.Net.Sockets;
using Almyty.Infrastructure.Egress;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The connect step of every outbound client: resolves the host, checks every address against the egress policy,
/// and connects to those checked addresses only, so a DNS answer cannot change between check and use.
/// </summary>
internal sealed class EgressConnector(EgressPolicy policy, IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    private readonly TimeSpan _connectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds);

    /// <summary>
    /// The handler's own bound on establishing a connection, TLS handshake included: twice the connect step's, so the
    /// connect step always runs out first and only a stalled handshake meets it.
    /// </summary>
    public static TimeSpan EstablishTimeout(GatewayOptions options) => TimeSpan.FromSeconds(2 * options.ConnectTimeoutSeconds);

    /// <summary>
    /// The handler's <see cref="EstablishTimeout"/> running out, which it reports as a cancellation caused by a
    /// <see cref="TimeoutException"/> (the clients' own <see cref="HttpClient.Timeout"/>, which would look the same, is infinite).
    /// </summary>
    public static bool IsEstablishTimeout(Exception exception) => exception is OperationCanceledException { InnerException: TimeoutException };

    /// <summary>
    /// How much sooner than the attempt timeout or the time budget the connect step gives up, so that its failure reaches
    /// the request before their cancellation does (a few microseconds on an idle machine; this allows for a busy one).
    /// </summary>
    internal static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(250);

    /// <remarks>
    /// The connect step's timeout is enforced here rather than only by <see cref="SocketsHttpHandler.ConnectTimeout"/>,
    /// which reports it as a cancellation. A <see cref="SocketError.TimedOut"/> is what it is: a connection failure, so a
    /// host that swallows connection attempts is retried, counts against its circuit, and the call was never sent.
    /// The step also ends a little before the attempt timeout or the call's time budget would: when they are shorter
    /// than the connect timeout, a connection that cannot be made is still reported as such, not as a timeout of a call
    /// that may have been sent.
    /// </remarks>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (bound, byBudget) = Bound(context.InitialRequestMessage);
        if (bound <= TimeSpan.Zero)
        {
            throw TimedOut(byBudget);
        }

        using var deadline = new CancellationTokenSource(bound, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await ConnectToCheckedAddressAsync(context.DnsEndPoint, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(byBudget);
        }
    }

    /// <summary>The host's fault when the connect or attempt timeout ran out; the call's own when its budget did.</summary>
    private static SocketException TimedOut(bool byBudget) =>
        byBudget ? new ConnectBudgetSpentException() : new SocketException((int)SocketError.TimedOut);

    /// <summary>
    /// The connect timeout, or less when the attempt or the call it is made for would end sooner. The connection may go
    /// to another waiting request than the one it was begun for (the handler pools them), but the bound only ever
    /// shortens the step, and a failure goes back to that first request only, whose time it was measured by.
    /// </summary>
    private (TimeSpan Bound, bool ByBudget) Bound(HttpRequestMessage? request) =>
        UpstreamAttempts.TimeLeft(request, timeProvider) is var (left, isBudget) && left - Margin < _connectTimeout
            ? (left - Margin, isBudget)
            : (_connectTimeout, false);

    private async Task<Stream> ConnectToCheckedAddressAsync(DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host;
        var addresses = EgressPolicy.TryParseLiteral(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        foreach (var address in addresses)
        {
            if (!policy.IsAddressAllowed(address, host))
            {
                throw new EgressBlockedException(host, address);
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
