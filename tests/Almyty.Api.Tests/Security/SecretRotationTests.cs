using System.Net;
using System.Security.Cryptography;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Application.Common.Abstractions;
using Almyty.Application.Secrets.RotateSecrets;
using Almyty.Domain.Providers;
using Mediator;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Api.Tests.Security;

/// <summary>
/// Several keys may be configured; the one named by Secrets__ActiveKeyId encrypts, all decrypt, and the rotate
/// command re-encrypts every stored key under the active one. One test: the rotation touches every row of the database.
/// </summary>
public sealed class SecretRotationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string OldKeyId = "test-1";
    private const string NewKeyId = "test-2";

    [Fact]
    public async Task Rotating_re_encrypts_every_stored_key_under_the_new_active_key_and_the_api_keeps_working()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ownerA = factory.ClientFor(ProviderSeed.UniqueOrganization("org-rotate-a"), "owner");
        using var ownerB = factory.ClientFor(ProviderSeed.UniqueOrganization("org-rotate-b"), "owner");
        var keys = new Dictionary<Guid, string>();
        foreach (var (client, name) in new[] { (ownerA, "A one"), (ownerA, "A two"), (ownerA, "A three"), (ownerB, "B one") })
        {
            var key = "sk-rotate-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            keys[Guid.Parse(ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, name, key)))] = key;
        }

        (await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE api_key_id = '{OldKeyId}'")).ShouldBe(keys.Count);
        var before = new Dictionary<Guid, EncryptedSecret>();
        foreach (var id in keys.Keys)
        {
            before[id] = await StoredSecretAsync(id);
        }

        await using var rotated = factory.WithWebHostBuilder(builder => builder
            .UseSetting("ConnectionStrings:Almyty", factory.Database.ConnectionString)
            .UseSetting($"Secrets:Keys:{OldKeyId}", factory.SecretKeys[OldKeyId])
            .UseSetting($"Secrets:Keys:{NewKeyId}", ApiFactory.NewKey())
            .UseSetting("Secrets:ActiveKeyId", NewKeyId));

        await using (var scope = rotated.Services.CreateAsyncScope())
        {
            var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RotateSecretsCommand(), ct);
            result.IsSuccess.ShouldBeTrue(result.Error?.Message);
            result.Value.Examined.ShouldBe(keys.Count);
            result.Value.Rotated.ShouldBe(keys.Count);
        }

        (await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE api_key_id <> '{NewKeyId}'")).ShouldBe(0);
        (await factory.Database.ScalarAsync<long>($"SELECT count(*) FROM llm_providers WHERE api_key_id = '{NewKeyId}'")).ShouldBe(keys.Count);
        var newProtector = rotated.Services.GetRequiredService<ISecretProtector>();
        var oldProtector = factory.Services.GetRequiredService<ISecretProtector>();
        foreach (var (id, key) in keys)
        {
            var stored = await StoredSecretAsync(id);
            stored.KeyId.ShouldBe(NewKeyId);
            stored.Ciphertext.ShouldNotBe(before[id].Ciphertext);
            newProtector.Unprotect(stored, id).ShouldBe(key);
            // The old key alone no longer opens it: it really was re-encrypted, not relabelled.
            Should.Throw<CryptographicException>(() => oldProtector.Unprotect(stored, id));
            // Secrets sealed under the old key still open with the new ring: all configured keys decrypt.
            newProtector.Unprotect(before[id], id).ShouldBe(key);
        }

        await using (var scope = rotated.Services.CreateAsyncScope())
        {
            // A second run (in pages of one) finds nothing left to do.
            var again = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new RotateSecretsCommand(BatchSize: 1), ct);
            again.IsSuccess.ShouldBeTrue(again.Error?.Message);
            again.Value.Examined.ShouldBe(keys.Count);
            again.Value.Rotated.ShouldBe(0);
        }

        await ApiStillWorksAfterRotationAsync(rotated, keys, newProtector);
    }

    private async Task ApiStillWorksAfterRotationAsync(WebApplicationFactory<Program> rotated, Dictionary<Guid, string> keys, ISecretProtector newProtector)
    {
        var ct = TestContext.Current.CancellationToken;
        var (id, key) = keys.First();
        var organization = await factory.Database.ScalarAsync<string>($"SELECT organization_id FROM llm_providers WHERE id = '{id}'");
        var token = rotated.Services.GetRequiredService<Almyty.Api.Auth.TokenIssuer>().Issue(organization!, "owner", "rotator", TimeSpan.FromMinutes(10));
        using var client = rotated.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        using var fetched = await client.GetAsync($"{ProviderSeed.Url}/{id}", ct);
        fetched.StatusCode.ShouldBe(HttpStatusCode.OK, await fetched.Content.ReadAsStringAsync(ct));
        (await fetched.DataAsync())["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-..." + key[^4..]);

        using var renamed = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { name = "Renamed after rotation" });
        renamed.StatusCode.ShouldBe(HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync(ct));
        newProtector.Unprotect(await StoredSecretAsync(id), id).ShouldBe(key);

        var replacement = "sk-after-rotation-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var rekeyed = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { apiKey = replacement });
        rekeyed.StatusCode.ShouldBe(HttpStatusCode.OK, await rekeyed.Content.ReadAsStringAsync(ct));
        var stored = await StoredSecretAsync(id);
        stored.KeyId.ShouldBe(NewKeyId);
        newProtector.Unprotect(stored, id).ShouldBe(replacement);

        using var created = await client.PostJsonAsync(ProviderSeed.Url, new { name = "Created after rotation", provider = "openai", apiKey = replacement + "-2" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(ct));
        var createdId = Guid.Parse(ProviderSeed.IdOf(await created.DataAsync()));
        (await StoredSecretAsync(createdId)).KeyId.ShouldBe(NewKeyId);

        // The old deployment (old key only) still serves reads: nothing on the read path needs the secret.
        using var oldOwner = factory.ClientFor(organization!, "owner");
        using var readByOld = await oldOwner.GetAsync($"{ProviderSeed.Url}/{createdId}", ct);
        readByOld.StatusCode.ShouldBe(HttpStatusCode.OK, await readByOld.Content.ReadAsStringAsync(ct));
    }

    private async Task<EncryptedSecret> StoredSecretAsync(Guid id)
    {
        var keyId = await factory.Database.ScalarAsync<string>($"SELECT api_key_id FROM llm_providers WHERE id = '{id}'");
        var ciphertext = await factory.Database.ScalarAsync<byte[]>($"SELECT api_key_ciphertext FROM llm_providers WHERE id = '{id}'");
        keyId.ShouldNotBeNull();
        ciphertext.ShouldNotBeNull();
        return new EncryptedSecret(keyId, ciphertext);
    }
}
