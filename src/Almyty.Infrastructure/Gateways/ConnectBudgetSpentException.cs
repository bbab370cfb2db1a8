using System.Net.Sockets;

namespace Almyty.Infrastructure.Gateways;

/// <summary>
/// The connect step stopped because the call's own time budget (the provider's <c>timeoutSeconds</c>) was running out,
/// not because the host took longer than the connect timeout: the call was never sent, and the host is not to blame,
/// so it does not count against the host's circuit breaker, which every organization calling that host shares.
/// </summary>
public sealed class ConnectBudgetSpentException : SocketException
{
    public ConnectBudgetSpentException()
        : base((int)SocketError.TimedOut)
    {
    }

    public override string Message => "The call's time budget ran out while connecting.";
}
