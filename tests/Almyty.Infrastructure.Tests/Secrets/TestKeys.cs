using System.Security.Cryptography;
using Almyty.Infrastructure.Secrets;
using Microsoft.Extensions.Options;

namespace Almyty.Infrastructure.Tests.Secrets;

internal static class TestKeys
{
    public static string NewKey(int bytes = 32) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));

    public static SecretsOptions Options(string activeKeyId, params (string Id, string Key)[] keys)
    {
        var options = new SecretsOptions { ActiveKeyId = activeKeyId };
        foreach (var (id, key) in keys)
        {
            options.Keys[id] = key;
        }

        return options;
    }

    public static AesGcmSecretProtector Protector(string activeKeyId, params (string Id, string Key)[] keys) =>
        new(new KeyRing(Microsoft.Extensions.Options.Options.Create(Options(activeKeyId, keys))));
}
