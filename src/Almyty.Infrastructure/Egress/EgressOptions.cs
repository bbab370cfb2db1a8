namespace Almyty.Infrastructure.Egress;

/// <summary>Which otherwise-refused upstream addresses an operator allows, for self-hosted models.</summary>
public sealed class EgressOptions
{
    public const string SectionName = "Egress";

    /// <summary>Allow loopback, private, link-local and carrier-grade NAT addresses. Cloud metadata stays refused.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Host names (<c>llm.corp.example</c>, <c>*.corp.example</c>), addresses or CIDR ranges (<c>10.20.0.0/16</c>) that are allowed.</summary>
#pragma warning disable CA2227 // Bound from configuration.
    public List<string> AllowedHosts { get; set; } = [];
#pragma warning restore CA2227
}
