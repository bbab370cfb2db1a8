using System.Net;
using Almyty.Domain.Common;
using Almyty.Infrastructure.Egress;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Egress;

public sealed class EgressPolicyTests
{
    private static readonly EgressPolicy Default = Policy();
    private static readonly EgressPolicy PrivateNetworksAllowed = Policy(allowPrivateNetworks: true);

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://127.0.0.1:11434/v1")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[::1]:8080/v1")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f.0.0.1/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://0/")]
    [InlineData("http://0.0.0.0:8000/v1")]
    [InlineData("http://[::]/")]
    [InlineData("http://10.0.0.5/v1")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://192.168.1.10/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://[fd20:ce::254]/")]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://255.255.255.255/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fc00::1]/")]
    [InlineData("http://[fd12::1]/")]
    [InlineData("http://[ff02::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:7f00:1]/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    [InlineData("http://[64:ff9b::a00:1]/")]
    [InlineData("http://[2002:7f00:1::]/")]
    [InlineData("http://[::127.0.0.1]/")]
    [InlineData("http://[0:0:0:0:0:ffff:7f00:1]/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://127.000.000.001/")]
    [InlineData("http://[fe80::1%25eth0]/")]
    [InlineData("http://[::ffff:0:127.0.0.1]:5610/v1")]
    [InlineData("http://[::ffff:0:7f00:1]/")]
    [InlineData("http://[64:ff9b:1::7f00:1]:5610/v1")]
    [InlineData("http://[64:ff9b:1::808:808]/")]
    [InlineData("http://127.0.0.1./v1")]
    [InlineData("http://169.254.169.254./latest/meta-data")]
    [InlineData("http://10.0.0.1./v1")]
    [InlineData("http://0.0.0.0.:9101/v1")]
    [InlineData("http://0x7f000001./")]
    public void CheckBaseUrl_ALiteralInternalAddress_IsBlocked(string baseUrl) => ShouldBeBlocked(Default.CheckBaseUrl(new Uri(baseUrl)));

    [Theory]
    [InlineData("http://localhost/")]
    [InlineData("http://localhost:11434/v1")]
    [InlineData("http://LOCALHOST/")]
    [InlineData("http://localhost./")]
    [InlineData("http://foo.localhost/")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1")]
    [InlineData("http://metadata/")]
    [InlineData("http://instance-data.ec2.internal/")]
    [InlineData("http://llm/")]
    [InlineData("http://gpu-box:8000/v1")]
    [InlineData("http://api.internal/")]
    [InlineData("http://svc.cluster.internal/v1")]
    [InlineData("http://printer.local/")]
    [InlineData("http://nas.home.arpa/")]
    [InlineData("http://host.localdomain/")]
    [InlineData("http://\u24db\u24de\u24d2\u24d0\u24db\u24d7\u24de\u24e2\u24e3/")]
    [InlineData("http://metadata.google.internal./")]
    public void CheckBaseUrl_AKnownInternalName_IsBlocked(string baseUrl) => ShouldBeBlocked(Default.CheckBaseUrl(new Uri(baseUrl)));

    [Theory]
    [InlineData("https://api.openai.com/v1")]
    [InlineData("https://api.anthropic.com")]
    [InlineData("https://llm.example.com:8443/v1")]
    [InlineData("https://internal.example.com/v1")]
    [InlineData("https://localhost.example.com/v1")]
    [InlineData("http://8.8.8.8/v1")]
    [InlineData("https://[2606:4700::1111]/v1")]
    public void CheckBaseUrl_APublicUrl_IsAllowed(string baseUrl) => Default.CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Fact]
    public void CheckBaseUrl_ABlockedMetadataAddress_SaysSoWithoutSuggestingItCanBeAllowed()
    {
        var error = Default.CheckBaseUrl(new Uri("http://169.254.169.254/")).ShouldNotBeNull();

        error.Message.ShouldContain("metadata");
        error.Message.ShouldNotContain("Egress__");
    }

    [Theory]
    [InlineData("http://0.0.0.0/", "'0.0.0.0' is an unspecified address;")]
    [InlineData("http://127.0.0.1/", "'127.0.0.1' is a loopback address;")]
    [InlineData("http://169.254.169.254/", "'169.254.169.254' is a cloud metadata address;")]
    [InlineData("http://224.0.0.1/", "'224.0.0.1' is a multicast address;")]
    public void CheckBaseUrl_ABlockedAddress_IsNamedWithItsClass(string baseUrl, string expected) =>
        Default.CheckBaseUrl(new Uri(baseUrl)).ShouldNotBeNull().Message.ShouldStartWith(expected);

    [Fact]
    public void CheckBaseUrl_ABlockedPrivateAddress_NamesTheSettingsThatAllowIt() =>
        Default.CheckBaseUrl(new Uri("http://10.0.0.5/")).ShouldNotBeNull().Message.ShouldContain("Egress__AllowedHosts");

    [Theory]
    [InlineData("http://10.0.0.5/v1")]
    [InlineData("http://127.0.0.1:11434/v1")]
    [InlineData("http://[::1]/")]
    [InlineData("http://192.168.1.10/")]
    [InlineData("http://172.20.0.2:8000/v1")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://169.254.1.1/")]
    [InlineData("http://[fd12::1]/")]
    public void CheckBaseUrl_WithPrivateNetworksAllowed_AllowsPrivateAddresses(string baseUrl) =>
        PrivateNetworksAllowed.CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Theory]
    [InlineData("http://localhost:11434/v1")]
    [InlineData("http://ollama:11434/v1")]
    [InlineData("http://llm.svc.cluster.internal/v1")]
    public void CheckBaseUrl_WithPrivateNetworksAllowed_AllowsInternalNamesForTheConnectTimeCheck(string baseUrl) =>
        PrivateNetworksAllowed.CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Fact]
    public void IsAddressAllowed_WithPrivateNetworksAllowed_RefusesAnInternalNameThatResolvesToMetadata()
    {
        PrivateNetworksAllowed.IsAddressAllowed(IPAddress.Parse("169.254.169.254"), "metadata.google.internal").ShouldBeFalse();
        PrivateNetworksAllowed.IsAddressAllowed(IPAddress.Parse("127.0.0.1"), "localhost").ShouldBeTrue();
    }

    [Theory]
    [InlineData("http://169.254.169.254/")]
    [InlineData("http://169.254.170.2/")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://[::ffff:169.254.169.254]/")]
    public void CheckBaseUrl_WithPrivateNetworksAllowed_StillBlocksMetadata(string baseUrl) =>
        ShouldBeBlocked(PrivateNetworksAllowed.CheckBaseUrl(new Uri(baseUrl)));

    [Fact]
    public void CheckBaseUrl_WithPrivateNetworksAllowed_StillBlocksGoogleCloudsIpv6Metadata() =>
        ShouldBeBlocked(PrivateNetworksAllowed.CheckBaseUrl(new Uri("http://[fd20:ce::254]/computeMetadata/v1")));

    [Fact]
    public void IsAddressAllowed_WithPrivateNetworksAllowed_StillRefusesGoogleCloudsIpv6Metadata() =>
        PrivateNetworksAllowed.IsAddressAllowed(IPAddress.Parse("fd20:ce::254"), "metadata.google.internal").ShouldBeFalse();

    [Theory]
    [InlineData("http://224.0.0.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://255.255.255.255/")]
    public void CheckBaseUrl_WithPrivateNetworksAllowed_StillBlocksMulticastUnspecifiedAndReserved(string baseUrl) =>
        ShouldBeBlocked(PrivateNetworksAllowed.CheckBaseUrl(new Uri(baseUrl)));

    [Theory]
    [InlineData("gpu-box", "http://gpu-box:8000/v1")]
    [InlineData("gpu-box", "http://GPU-BOX:8000/v1")]
    [InlineData("GPU-Box", "http://gpu-box/v1")]
    [InlineData("llm.internal", "http://llm.internal/v1")]
    [InlineData("localhost", "http://localhost:11434/v1")]
    public void CheckBaseUrl_AnAllowedHostName_IsAllowedExactly(string allowed, string baseUrl) =>
        Policy(allowedHosts: [allowed]).CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Theory]
    [InlineData("gpu-box", "http://other-box/v1")]
    [InlineData("llm.internal", "http://x.llm.internal/v1")]
    [InlineData("llm.internal", "http://api.internal/v1")]
    public void CheckBaseUrl_AnAllowedHostName_DoesNotAllowOtherNames(string allowed, string baseUrl) =>
        ShouldBeBlocked(Policy(allowedHosts: [allowed]).CheckBaseUrl(new Uri(baseUrl)));

    [Theory]
    [InlineData("http://llm.corp.internal/v1")]
    [InlineData("http://a.b.corp.internal/v1")]
    [InlineData("http://LLM.CORP.INTERNAL/v1")]
    public void CheckBaseUrl_AWildcardEntry_AllowsEveryNameBelowIt(string baseUrl) =>
        Policy(allowedHosts: ["*.corp.internal"]).CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Theory]
    [InlineData("http://corp.internal/v1")]
    [InlineData("http://evilcorp.internal/v1")]
    [InlineData("http://corp.internal.evil.internal/v1")]
    public void CheckBaseUrl_AWildcardEntry_DoesNotAllowTheBareDomainOrLookalikes(string baseUrl) =>
        ShouldBeBlocked(Policy(allowedHosts: ["*.corp.internal"]).CheckBaseUrl(new Uri(baseUrl)));

    [Fact]
    public void CheckBaseUrl_ASingleAllowedAddress_AllowsOnlyThatAddress()
    {
        var policy = Policy(allowedHosts: ["10.0.0.5"]);

        policy.CheckBaseUrl(new Uri("http://10.0.0.5:8000/v1")).ShouldBeNull();
        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://10.0.0.6:8000/v1")));
    }

    [Theory]
    [InlineData("http://10.20.0.0/")]
    [InlineData("http://10.20.3.4:8000/v1")]
    [InlineData("http://10.20.255.255/")]
    [InlineData("http://[::ffff:10.20.0.1]/")]
    public void CheckBaseUrl_AnAllowedCidrRange_AllowsAddressesInside(string baseUrl) =>
        Policy(allowedHosts: ["10.20.0.0/16"]).CheckBaseUrl(new Uri(baseUrl)).ShouldBeNull();

    [Theory]
    [InlineData("http://10.21.0.1/")]
    [InlineData("http://10.19.255.255/")]
    [InlineData("http://127.0.0.1/")]
    public void CheckBaseUrl_AnAllowedCidrRange_StillBlocksAddressesOutside(string baseUrl) =>
        ShouldBeBlocked(Policy(allowedHosts: ["10.20.0.0/16"]).CheckBaseUrl(new Uri(baseUrl)));

    [Fact]
    public void CheckBaseUrl_AnAllowedIpv6Range_AllowsAddressesInside()
    {
        var policy = Policy(allowedHosts: ["fd00:1234::/32"]);

        policy.CheckBaseUrl(new Uri("http://[fd00:1234::10]/v1")).ShouldBeNull();
        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://[fd00:1235::10]/v1")));
    }

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.0/16")]
    [InlineData("0.0.0.0/0")]
    [InlineData("100.100.100.200")]
    [InlineData("fd00::/8")]
    public void CheckBaseUrl_MetadataAddresses_StayBlockedWhateverIsAllowed(string allowed)
    {
        var policy = Policy(allowPrivateNetworks: true, allowedHosts: [allowed]);

        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://169.254.169.254/")));
        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://100.100.100.200/")));
        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://[fd00:ec2::254]/")));
    }

    [Fact]
    public void AllowedHosts_BlankEntriesAreIgnoredAndOthersTrimmed()
    {
        var policy = Policy(allowedHosts: ["", "   ", " 10.0.0.5 ", " gpu-box "]);

        policy.CheckBaseUrl(new Uri("http://10.0.0.5/")).ShouldBeNull();
        policy.CheckBaseUrl(new Uri("http://gpu-box/")).ShouldBeNull();
        ShouldBeBlocked(policy.CheckBaseUrl(new Uri("http://10.0.0.6/")));
    }

    [Theory]
    [InlineData("8.8.8.8", "api.openai.com")]
    [InlineData("104.18.7.192", "api.anthropic.com")]
    [InlineData("2606:4700::1111", "llm.example.com")]
    [InlineData("::ffff:8.8.8.8", "llm.example.com")]
    public void IsAddressAllowed_APublicResolvedAddress_IsAllowed(string address, string host) =>
        Default.IsAddressAllowed(IPAddress.Parse(address), host).ShouldBeTrue();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("10.0.0.5")]
    [InlineData("172.16.0.1")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("fd12::1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("64:ff9b:1::7f00:1")]
    public void IsAddressAllowed_AnInternalResolvedAddressOfAPublicName_IsRefused(string address) =>
        Default.IsAddressAllowed(IPAddress.Parse(address), "rebind.example.com").ShouldBeFalse();

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("fd12::1")]
    public void IsAddressAllowed_WithPrivateNetworksAllowed_AllowsPrivateAddresses(string address) =>
        PrivateNetworksAllowed.IsAddressAllowed(IPAddress.Parse(address), "llm.example.com").ShouldBeTrue();

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("100.100.100.200")]
    [InlineData("fd00:ec2::254")]
    [InlineData("224.0.0.1")]
    [InlineData("0.0.0.0")]
    public void IsAddressAllowed_WithPrivateNetworksAllowed_StillRefusesMetadataMulticastAndUnspecified(string address) =>
        PrivateNetworksAllowed.IsAddressAllowed(IPAddress.Parse(address), "llm.example.com").ShouldBeFalse();

    [Theory]
    [InlineData("llm.corp.example", "llm.corp.example", true)]
    [InlineData("llm.corp.example", "LLM.Corp.Example.", true)]
    [InlineData("llm.corp.example", "other.corp.example", false)]
    [InlineData("*.corp.example", "llm.corp.example", true)]
    [InlineData("*.corp.example", "a.b.corp.example", true)]
    [InlineData("*.corp.example", "corp.example", false)]
    [InlineData("*.corp.example", "evilcorp.example", false)]
    [InlineData("*.corp.example", "corp.example.attacker.com", false)]
    [InlineData("10.0.0.5", "anything.example", true)]
    [InlineData("10.0.0.6", "anything.example", false)]
    [InlineData("10.0.0.0/24", "anything.example", true)]
    [InlineData("10.20.0.0/16", "anything.example", false)]
    public void IsAddressAllowed_OfAPrivateAddress_FollowsTheAllowedHosts(string allowed, string host, bool expected) =>
        Policy(allowedHosts: [allowed]).IsAddressAllowed(IPAddress.Parse("10.0.0.5"), host).ShouldBe(expected);

    [Fact]
    public void IsAddressAllowed_AnAllowedCidrRange_MatchesIpv4MappedForms()
    {
        var policy = Policy(allowedHosts: ["10.20.0.0/16"]);

        policy.IsAddressAllowed(IPAddress.Parse("::ffff:10.20.1.1"), "llm.example.com").ShouldBeTrue();
        policy.IsAddressAllowed(IPAddress.Parse("::ffff:10.21.1.1"), "llm.example.com").ShouldBeFalse();
    }

    [Fact]
    public void IsAddressAllowed_AnAllowedLocalUseNat64Range_StillRefusesAnEmbeddedMetadataAddress()
    {
        var policy = Policy(allowedHosts: ["64:ff9b:1::/48"]);

        policy.IsAddressAllowed(IPAddress.Parse("64:ff9b:1::808:808"), "llm.example.com").ShouldBeTrue();
        policy.IsAddressAllowed(IPAddress.Parse("64:ff9b:1::a9fe:a9fe"), "llm.example.com").ShouldBeFalse();
        policy.IsAddressAllowed(IPAddress.Parse("64:ff9b:1:a9fe:a9:fe00::"), "llm.example.com").ShouldBeFalse();
    }

    [Theory]
    [InlineData("llm.corp.example")]
    [InlineData("*.corp.example")]
    [InlineData("169.254.0.0/16")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0/0")]
    public void IsAddressAllowed_AMetadataAddress_IsRefusedWhateverIsAllowed(string allowed)
    {
        var policy = Policy(allowPrivateNetworks: true, allowedHosts: [allowed]);

        policy.IsAddressAllowed(IPAddress.Parse("169.254.169.254"), "llm.corp.example").ShouldBeFalse();
        policy.IsAddressAllowed(IPAddress.Parse("::ffff:169.254.169.254"), "llm.corp.example").ShouldBeFalse();
        policy.IsAddressAllowed(IPAddress.Parse("fd00:ec2::254"), "llm.corp.example").ShouldBeFalse();
    }

    [Fact]
    public void IsAddressAllowed_AgreesWithCheckBaseUrlForLiteralAddresses()
    {
        string[] addresses = ["127.0.0.1", "10.0.0.5", "169.254.169.254", "8.8.8.8", "::1", "2606:4700::1111", "224.0.0.1", "100.64.0.1", "::ffff:0:127.0.0.1", "64:ff9b:1::7f00:1"];
        EgressPolicy[] policies = [Default, PrivateNetworksAllowed, Policy(allowedHosts: ["10.0.0.0/8"])];

        foreach (var policy in policies)
        {
            foreach (var literal in addresses)
            {
                var address = IPAddress.Parse(literal);
                var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{literal}]" : literal;
                var savedOk = policy.CheckBaseUrl(new Uri($"http://{host}/v1")) is null;

                policy.IsAddressAllowed(address, literal).ShouldBe(savedOk, $"{literal}");
            }
        }
    }

    private static void ShouldBeBlocked(Error? error)
    {
        error.ShouldNotBeNull("the egress policy should have refused the URL");
        error.Code.ShouldBe(ErrorCodes.EgressBlocked);
        error.Kind.ShouldBe(ErrorKind.Validation);
        error.Fields.ShouldHaveSingleItem().Field.ShouldBe("baseUrl");
    }

    private static EgressPolicy Policy(bool allowPrivateNetworks = false, List<string>? allowedHosts = null) =>
        new(Options.Create(new EgressOptions { AllowPrivateNetworks = allowPrivateNetworks, AllowedHosts = allowedHosts ?? [] }));
}
