using System.Net;
using System.Net.Sockets;
using Almyty.Infrastructure.Egress;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The connect step of every outbound client: resolves the host, checks every address against the egress policy,
/// and connects to those checked addresses only, so a DNS answer cannot change between check and use.
/// </summary>
internal sealed class EgressConnector(EgressPolicy policy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
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
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
