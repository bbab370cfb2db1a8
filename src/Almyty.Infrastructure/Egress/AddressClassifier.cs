using System.Net;
using System.Net.Sockets;

namespace Almyty.Infrastructure.Egress;

internal enum AddressClass
{
    Public,
    Loopback,
    Private,
    LinkLocal,
    CarrierGradeNat,
    Multicast,
    Unspecified,
    Reserved,
    Metadata,
}

/// <summary>Sorts an address into the classes the egress policy refuses; IPv6 forms that embed an IPv4 address are judged by it.</summary>
internal static class AddressClassifier
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, GCP, Azure, OpenStack, DigitalOcean
        IPAddress.Parse("169.254.170.2"),   // AWS ECS task metadata
        IPAddress.Parse("169.254.170.23"),  // AWS EKS Pod Identity
        IPAddress.Parse("fd00:ec2::23"),    // AWS EKS Pod Identity over IPv6
        IPAddress.Parse("fd20:ce::254"),    // Google Cloud over IPv6
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
        IPAddress.Parse("168.63.129.16"),   // Azure wire server
        IPAddress.Parse("fd00:ec2::254"),   // AWS over IPv6
    ];

    private static readonly (IPNetwork Network, AddressClass Class)[] V4Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.CarrierGradeNat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressClass.Reserved),      // TEST-NET-1 (RFC 5737)
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressClass.Reserved),   // TEST-NET-2
        (IPNetwork.Parse("203.0.113.0/24"), AddressClass.Reserved),    // TEST-NET-3
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Multicast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Reserved),
    ];

    private static readonly (IPNetwork Network, AddressClass Class)[] V6Ranges =
    [
        (IPNetwork.Parse("fc00::/7"), AddressClass.Private),
        (IPNetwork.Parse("fec0::/10"), AddressClass.Private),
        (IPNetwork.Parse("fe80::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("ff00::/8"), AddressClass.Multicast),
        (IPNetwork.Parse("100::/64"), AddressClass.Reserved),
        (IPNetwork.Parse("2001:db8::/32"), AddressClass.Reserved),
        (IPNetwork.Parse("3fff::/20"), AddressClass.Reserved),         // documentation (RFC 9637)
        (IPNetwork.Parse("2001::/32"), AddressClass.Reserved),         // Teredo: the client address it carries is hidden
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork LocalUseNat64 = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork Ipv4Translated = IPNetwork.Parse("::ffff:0:0:0/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// Where RFC 6052 puts the IPv4 address for each prefix length a network may carve out of 64:ff9b:1::/48
    /// (/48, /56, /64, /96), skipping the reserved octet at bits 64-71.
    /// </summary>
    private static readonly int[][] LocalUseNat64Ipv4Offsets =
    [
        [6, 7, 9, 10],
        [7, 9, 10, 11],
        [9, 10, 11, 12],
        [12, 13, 14, 15],
    ];

    public static AddressClass Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Classify(address.MapToIPv4());
        }

        if (MetadataAddresses.Contains(address))
        {
            return AddressClass.Metadata;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (address.Equals(IPAddress.Broadcast))
            {
                return AddressClass.Reserved;
            }

            foreach (var (network, addressClass) in V4Ranges)
            {
                if (network.Contains(address))
                {
                    return addressClass;
                }
            }

            return AddressClass.Public;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressClass.Reserved;
        }

        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return AddressClass.Loopback;
        }

        if (address.Equals(IPAddress.IPv6None))
        {
            return AddressClass.Unspecified;
        }

        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || Ipv4Translated.Contains(address) || IsIpv4Compatible(bytes))
        {
            return Classify(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (LocalUseNat64.Contains(address))
        {
            return ClassifyLocalUseNat64(bytes);
        }

        if (SixToFour.Contains(address))
        {
            return Classify(new IPAddress(bytes.AsSpan(2, 4)));
        }

        foreach (var (network, addressClass) in V6Ranges)
        {
            if (network.Contains(address))
            {
                return addressClass;
            }
        }

        return AddressClass.Public;
    }

    /// <remarks>
    /// The prefix length of a local-use NAT64 network (RFC 8215) is its operator's choice, so which IPv4 address an
    /// address embeds cannot be read from the address alone: the whole range is reserved, and it is metadata if any
    /// of the possible places holds a metadata address, so that allowing the range never lets metadata through.
    /// </remarks>
    private static AddressClass ClassifyLocalUseNat64(byte[] bytes)
    {
        Span<byte> ipv4 = stackalloc byte[4];
        foreach (var offsets in LocalUseNat64Ipv4Offsets)
        {
            for (var i = 0; i < ipv4.Length; i++)
            {
                ipv4[i] = bytes[offsets[i]];
            }

            if (Classify(new IPAddress(ipv4)) == AddressClass.Metadata)
            {
                return AddressClass.Metadata;
            }
        }

        return AddressClass.Reserved;
    }

    /// <summary>The deprecated ::a.b.c.d form (the first 96 bits zero).</summary>
    private static bool IsIpv4Compatible(byte[] bytes) => bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0;
}
