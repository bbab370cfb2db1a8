using System.Diagnostics.CodeAnalysis;
using System.Net;
using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Common;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Egress;

/// <summary>
/// Refuses upstreams on internal networks unless an operator allows them. Checked twice: on the URL when a
/// provider is saved, and on every resolved address when a connection is made.
/// </summary>
internal sealed class EgressPolicy : IEgressPolicy
{
    private static readonly string[] InternalSuffixes = [".localhost", ".local", ".internal", ".localdomain", ".intranet", ".lan", ".home.arpa"];
    private static readonly string[] InternalNames = ["localhost", "metadata", "metadata.google.internal", "instance-data", "instance-data.ec2.internal"];

    private readonly bool _allowPrivateNetworks;
    private readonly List<string> _allowedHostNames = [];
    private readonly List<string> _allowedHostSuffixes = [];
    private readonly List<IPNetwork> _allowedNetworks = [];

    public EgressPolicy(IOptions<EgressOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _allowPrivateNetworks = options.Value.AllowPrivateNetworks;
        foreach (var entry in options.Value.AllowedHosts.Select(h => h.Trim()).Where(h => h.Length > 0))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                _allowedNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                _allowedNetworks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else if (entry.StartsWith("*.", StringComparison.Ordinal))
            {
                _allowedHostSuffixes.Add(entry[1..].ToUpperInvariant());
            }
            else
            {
                _allowedHostNames.Add(entry.ToUpperInvariant());
            }
        }
    }

    public Error? CheckBaseUrl(Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        var host = baseUrl.IdnHost.Trim('[', ']');
        if (TryParseLiteral(host, out var address))
        {
            return IsAddressAllowed(address, host) ? null : Blocked(host, AddressClassifier.Classify(address));
        }

        if (IsHostAllowedByName(host) || _allowPrivateNetworks)
        {
            // Allowed names are still resolved and checked at connect time; metadata addresses stay refused there.
            return null;
        }

        return IsInternalName(host)
            ? EgressErrors.Blocked("baseUrl", $"'{host}' is an internal host name; the egress policy refuses it (an operator may allow it with Egress__AllowedHosts).")
            : null;
    }

    /// <summary>
    /// A host that is an address literal, in any form the parser takes; a trailing dot (the DNS root, <c>127.0.0.1.</c>)
    /// does not stop a resolver from reading the rest as an address, so it does not make it a name either.
    /// </summary>
    public static bool TryParseLiteral(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']').TrimEnd('.'), out address);
    }

    /// <summary>The connect-time check of one resolved address of <paramref name="host"/>.</summary>
    public bool IsAddressAllowed(IPAddress address, string host)
    {
        var addressClass = AddressClassifier.Classify(address);
        if (addressClass == AddressClass.Metadata)
        {
            return false;
        }

        if (addressClass == AddressClass.Public)
        {
            return true;
        }

        var comparable = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (_allowedNetworks.Exists(n => n.Contains(comparable)) || IsHostAllowedByName(host))
        {
            return true;
        }

        return _allowPrivateNetworks && addressClass is AddressClass.Loopback or AddressClass.Private or AddressClass.LinkLocal or AddressClass.CarrierGradeNat;
    }

    private bool IsHostAllowedByName(string host)
    {
        var upper = host.TrimEnd('.').ToUpperInvariant();
        return _allowedHostNames.Contains(upper) || _allowedHostSuffixes.Exists(upper.EndsWith);
    }

    private static bool IsInternalName(string host)
    {
        var lower = host.TrimEnd('.').ToLowerInvariant();
        return !lower.Contains('.', StringComparison.Ordinal)
            || InternalNames.Contains(lower)
            || InternalSuffixes.Any(lower.EndsWith);
    }

    private static Error Blocked(string host, AddressClass addressClass) =>
        EgressErrors.Blocked("baseUrl", $"'{host}' is {Describe(addressClass)} address; the egress policy refuses it{HowToAllow(addressClass)}");

    private static string HowToAllow(AddressClass addressClass) => addressClass switch
    {
        AddressClass.Metadata => ", always.",
        AddressClass.Loopback or AddressClass.Private or AddressClass.LinkLocal or AddressClass.CarrierGradeNat =>
            " (an operator may allow it with Egress__AllowedHosts or Egress__AllowPrivateNetworks).",
        _ => " (an operator may allow it with Egress__AllowedHosts).",
    };

    private static string Describe(AddressClass addressClass) => addressClass switch
    {
        AddressClass.Loopback => "a loopback",
        AddressClass.Private => "a private-network",
        AddressClass.LinkLocal => "a link-local",
        AddressClass.CarrierGradeNat => "a carrier-grade NAT",
        AddressClass.Multicast => "a multicast",
        AddressClass.Unspecified => "an unspecified",
        AddressClass.Metadata => "a cloud metadata",
        _ => "a reserved",
    };
}

internal static class EgressErrors
{
    public static Error Blocked(string field, string message) =>
        new(ErrorCodes.EgressBlocked, message, ErrorKind.Validation) { Fields = [new FieldError(field, message)] };
}
