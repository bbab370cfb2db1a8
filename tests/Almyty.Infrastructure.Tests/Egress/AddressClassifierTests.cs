using System.Net;
using Almyty.Infrastructure.Egress;

namespace Almyty.Infrastructure.Tests.Egress;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("127.1.2.3")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::")]
    [InlineData("::ffff:0:127.0.0.1")]
    [InlineData("::ffff:0:7f00:1")]
    public void Classify_LoopbackAddresses_AsLoopback(string address) => Classify(address).ShouldBe(AddressClass.Loopback);

    [Theory]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.5")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.0")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    [InlineData("fc00::1")]
    [InlineData("fd12::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fec0::1")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:101::")]
    [InlineData("::ffff:0:10.0.0.5")]
    [InlineData("::ffff:0:192.168.1.1")]
    public void Classify_PrivateAddresses_AsPrivate(string address) => Classify(address).ShouldBe(AddressClass.Private);

    [Theory]
    [InlineData("169.254.0.1")]
    [InlineData("169.254.1.1")]
    [InlineData("169.254.255.254")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1%2")]
    [InlineData("febf::1")]
    [InlineData("::ffff:169.254.1.1")]
    public void Classify_LinkLocalAddresses_AsLinkLocal(string address) => Classify(address).ShouldBe(AddressClass.LinkLocal);

    [Theory]
    [InlineData("100.64.0.0")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("::ffff:100.64.1.1")]
    public void Classify_CarrierGradeNatAddresses_AsCarrierGradeNat(string address) => Classify(address).ShouldBe(AddressClass.CarrierGradeNat);

    [Theory]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("ff02::1")]
    [InlineData("ff05::1:3")]
    [InlineData("::ffff:224.0.0.251")]
    public void Classify_MulticastAddresses_AsMulticast(string address) => Classify(address).ShouldBe(AddressClass.Multicast);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("::")]
    [InlineData("::ffff:0.0.0.0")]
    public void Classify_UnspecifiedAddresses_AsUnspecified(string address) => Classify(address).ShouldBe(AddressClass.Unspecified);

    [Theory]
    [InlineData("255.255.255.255")]
    [InlineData("240.0.0.1")]
    [InlineData("192.0.0.8")]
    [InlineData("198.18.0.1")]
    [InlineData("2001:db8::1")]
    [InlineData("100::1")]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.7")]
    [InlineData("203.0.113.200")]
    [InlineData("3fff::1")]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")]
    public void Classify_BroadcastAndOtherReservedAddresses_AsReserved(string address) => Classify(address).ShouldBe(AddressClass.Reserved);

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.170.2")]
    [InlineData("100.100.100.200")]
    [InlineData("168.63.129.16")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:100.100.100.200")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("2002:a9fe:a9fe::")]
    [InlineData("::ffff:0:169.254.169.254")]
    [InlineData("64:ff9b:1::a9fe:a9fe")]
    [InlineData("64:ff9b:1:0:a9:fea9:fe00:0")]
    [InlineData("64:ff9b:1:a9:fe:a9fe::")]
    [InlineData("64:ff9b:1:a9fe:a9:fe00::")]
    [InlineData("64:ff9b:1:abcd::a9fe:a9fe")]
    public void Classify_CloudMetadataAddresses_AsMetadata(string address) => Classify(address).ShouldBe(AddressClass.Metadata);

    [Fact]
    public void Classify_GoogleCloudsIpv6MetadataAddress_AsMetadata() =>
        Classify("fd20:ce::254").ShouldBe(AddressClass.Metadata);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::")]
    [InlineData("::ffff:0:8.8.8.8")]
    public void Classify_PublicAddresses_AsPublic(string address) => Classify(address).ShouldBe(AddressClass.Public);

    [Theory]
    [InlineData("64:ff9b:1::")]
    [InlineData("64:ff9b:1::7f00:1")]
    [InlineData("64:ff9b:1::a00:1")]
    [InlineData("64:ff9b:1::808:808")]
    [InlineData("64:ff9b:1:7f00:0:100::")]
    [InlineData("64:ff9b:1:ffff:ffff:ffff:ffff:ffff")]
    public void Classify_LocalUseNat64Addresses_AsReservedWhicheverIpv4AddressTheyMightEmbed(string address) =>
        Classify(address).ShouldBe(AddressClass.Reserved);

    [Theory]
    [InlineData("64:ff9b:2::808:808")]
    [InlineData("64:ff9b:0:1::808:808")]
    public void Classify_AddressesJustOutsideTheLocalUseNat64Prefix_AreNotCaughtByIt(string address) =>
        Classify(address).ShouldBe(AddressClass.Public);

    [Fact]
    public void Classify_Null_Throws() => Should.Throw<ArgumentNullException>(() => AddressClassifier.Classify(null!));

    private static AddressClass Classify(string address) => AddressClassifier.Classify(IPAddress.Parse(address));
}
