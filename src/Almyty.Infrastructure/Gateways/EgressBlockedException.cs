using System.Net;

namespace Almyty.Infrastructure.Gateways;

/// <summary>Raised in the connect step when a resolved address is one the egress policy refuses.</summary>
public sealed class EgressBlockedException : Exception
{
    public EgressBlockedException()
    {
    }

    public EgressBlockedException(string message)
        : base(message)
    {
    }

    public EgressBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EgressBlockedException(string host, IPAddress address)
        : base($"The egress policy refuses '{host}' ({address}): it is not a public address.")
    {
    }
}
