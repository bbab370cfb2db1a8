using System.Net;
using System.Security.Cryptography;
using System.Text;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Application.Common.Abstractions;
using Almyty.Domain.Providers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Almyty.Api.Tests.Security;

/// <summary>The API factory with every category, the framework's included, logging at Trace into the collector.</summary>
public sealed class TraceEverythingApiFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddLogging(logging => logging
            .AddFilter(null, LogLevel.Trace)
            .AddFilter("Microsoft", LogLevel.Trace)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Trace)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Trace)
            .AddFilter("System", LogLevel.Trace)));
    }
}

/// <summary>The API key is write-only: no response, log line or stored plain column ever holds it.</summary>
public sealed class SecretTests(TraceEverythingApiFactory factory) : IClassFixture<TraceEverythingApiFactory>
{
    [Fact]
    public async Task The_api_key_appears_in_no_response_body_or_header_of_create_get_list_or_patch()
    {
        var firstKey = NewApiKey();
        var secondKey = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-secret-http"), "owner");
        var ct = TestContext.Current.CancellationToken;

        using var created = await client.PostJsonAsync(ProviderSeed.Url, new { name = "Secret keeper", provider = "openai", apiKey = firstKey });
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = ProviderSeed.IdOf(await created.DataAsync());
        using var fetched = await client.GetAsync($"{ProviderSeed.Url}/{id}", ct);
        using var listed = await client.GetAsync(ProviderSeed.Url, ct);
        using var searched = await client.GetAsync($"{ProviderSeed.Url}?search=secret", ct);
        using var renamed = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { name = "Secret keeper, renamed" });
        using var rekeyed = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { apiKey = secondKey });
        using var fetchedAgain = await client.GetAsync($"{ProviderSeed.Url}/{id}", ct);
        using var deleted = await client.DeleteAsync($"{ProviderSeed.Url}/{id}", ct);

        foreach (var response in new[] { created, fetched, listed, searched, renamed, rekeyed, fetchedAgain, deleted })
        {
            response.IsSuccessStatusCode.ShouldBeTrue($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode}");
            var text = await EverythingInAsync(response);
            ShouldHoldNeither(text, firstKey, secondKey, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}");
        }

        (await listed.DataAsync())["providers"]!.AsArray().Single()!["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-..." + firstKey[^4..]);
    }

    [Fact]
    public async Task Rejected_requests_never_echo_the_api_key()
    {
        var key = NewApiKey();
        var organization = ProviderSeed.UniqueOrganization("org-secret-errors");
        using var owner = factory.ClientFor(organization, "owner");
        using var viewer = factory.ClientFor(organization, "viewer");
        var existing = await ProviderSeed.CreateAsync(owner, "Taken");
        var id = ProviderSeed.IdOf(existing);

        var attempts = new List<(string What, Func<Task<HttpResponseMessage>> Send)>
        {
            ("key with whitespace", () => owner.PostJsonAsync(ProviderSeed.Url, new { name = "Ws", provider = "openai", apiKey = key + " " + key })),
            ("key too long", () => owner.PostJsonAsync(ProviderSeed.Url, new { name = "Long", provider = "openai", apiKey = key + new string('x', 600) })),
            ("key with a control character", () => owner.PostJsonAsync(ProviderSeed.Url, new { name = "Ctl", provider = "openai", apiKey = key + "\u0007" })),
            ("duplicate name", () => owner.PostJsonAsync(ProviderSeed.Url, new { name = "taken", provider = "openai", apiKey = key })),
            ("unknown provider", () => owner.PostJsonAsync(ProviderSeed.Url, new { name = "Unknown", provider = "mistral", apiKey = key })),
            ("unknown field", () => owner.PostRawAsync(ProviderSeed.Url, $$"""{"name":"Uf","provider":"openai","apiKey":"{{key}}","secret":"{{key}}"}""")),
            ("broken JSON", () => owner.PostRawAsync(ProviderSeed.Url, $$"""{"name":"Bj","provider":"openai","apiKey":"{{key}}",""")),
            ("key of the wrong type", () => owner.PostRawAsync(ProviderSeed.Url, $$"""{"name":"Wt","provider":"openai","apiKey":["{{key}}"]}""")),
            ("wrong media type", () => owner.PostRawAsync(ProviderSeed.Url, $$"""{"name":"Mt","provider":"openai","apiKey":"{{key}}"}""", "text/plain")),
            ("forbidden role", () => viewer.PostJsonAsync(ProviderSeed.Url, new { name = "Viewer", provider = "openai", apiKey = key })),
            ("patch with a bad key", () => owner.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { apiKey = key + "\t" })),
            ("patch of a missing provider", () => owner.PatchJsonAsync($"{ProviderSeed.Url}/{Guid.NewGuid()}", new { apiKey = key })),
            ("patch with a stale If-Match", () => SendAsync(owner, HttpMethod.Patch, $"{ProviderSeed.Url}/{id}", $$"""{"apiKey":"{{key}}"}""", "\"1\"")),
        };

        foreach (var (what, send) in attempts)
        {
            using var response = await send();
            ((int)response.StatusCode).ShouldBeInRange(400, 499, what);
            ShouldHoldNeither(await EverythingInAsync(response), key, null, what);
        }

        ShouldHoldNeither(LogText(factory.Logs), key, null, "the logs");
        ShouldHoldNeither(await factory.Database.DumpAllTextAsync(), key, null, "the database");
        using var after = await owner.GetAsync($"{ProviderSeed.Url}/{id}", TestContext.Current.CancellationToken);
        (await after.DataAsync())["apiKeyHint"]!.GetValue<string>().ShouldBe(existing["apiKeyHint"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_api_key_appears_in_no_log_line_even_at_trace_level()
    {
        var firstKey = NewApiKey();
        var secondKey = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-secret-logs"), "owner");
        var ct = TestContext.Current.CancellationToken;

        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Logged", firstKey));
        (await client.GetAsync($"{ProviderSeed.Url}/{id}", ct)).Dispose();
        (await client.GetAsync(ProviderSeed.Url, ct)).Dispose();
        (await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { apiKey = secondKey, name = "Logged, rekeyed" })).Dispose();
        (await client.PostJsonAsync(ProviderSeed.Url, new { name = "logged", provider = "openai", apiKey = firstKey })).Dispose();
        (await client.DeleteAsync($"{ProviderSeed.Url}/{id}", ct)).Dispose();

        var records = factory.Logs.GetSnapshot();
        // The check means something only if the framework's own chatter was captured too.
        records.ShouldContain(r => r.Category != null && r.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && r.Level <= LogLevel.Debug);
        records.ShouldContain(r => r.Category != null && r.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && r.Level <= LogLevel.Debug);
        ShouldHoldNeither(LogText(factory.Logs), firstKey, secondKey, "the logs");
    }

    [Fact]
    public async Task The_api_key_is_stored_nowhere_in_the_database_in_plain_text_hex_or_base64()
    {
        var firstKey = NewApiKey();
        var secondKey = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-secret-db"), "owner");
        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Stored", firstKey));
        var second = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Stored, then rekeyed", NewApiKey()));
        (await client.PatchJsonAsync($"{ProviderSeed.Url}/{second}", new { apiKey = secondKey })).Dispose();

        var dump = await factory.Database.DumpAllTextAsync();

        dump.ShouldContain(id, Case.Insensitive); // the dump does cover the rows
        dump.ShouldContain("sk-..." + firstKey[^4..]);
        foreach (var key in new[] { firstKey, secondKey })
        {
            var bytes = Encoding.UTF8.GetBytes(key);
            dump.ShouldNotContain(key);
            dump.ShouldNotContain(key[3..], Case.Insensitive);
            dump.ShouldNotContain(Convert.ToHexStringLower(bytes));
            dump.ShouldNotContain(Convert.ToHexStringLower(Encoding.Unicode.GetBytes(key)));
            dump.ShouldNotContain(Convert.ToBase64String(bytes));
        }

        (await factory.Database.ScalarAsync<string>($"SELECT api_key_id FROM llm_providers WHERE id = '{id}'")).ShouldBe("test-1");
        var ciphertext = await factory.Database.ScalarAsync<byte[]>($"SELECT api_key_ciphertext FROM llm_providers WHERE id = '{id}'");
        ciphertext.ShouldNotBeNull();
        Convert.ToHexStringLower(ciphertext).ShouldNotContain(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(firstKey)));
    }

    [Theory]
    [InlineData("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123Ab3d", "sk-...Ab3d")]
    [InlineData("sk-ant-" + "api03-abcdefghijklmnopqrstuvwxyz-XyZ9", "sk-...XyZ9")] // split so it never reads as a real key
    [InlineData("my-self-hosted-gateway-token-0042", "sk-...0042")]
    public async Task The_hint_is_the_fixed_mask_and_the_last_four_characters_of_a_long_key(string key, string hint)
    {
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-hint"), "owner");

        var created = await ProviderSeed.CreateAsync(client, "Hinted", key);
        using var fetched = await client.GetAsync($"{ProviderSeed.Url}/{ProviderSeed.IdOf(created)}", TestContext.Current.CancellationToken);

        created["apiKeyHint"]!.GetValue<string>().ShouldBe(hint);
        (await fetched.DataAsync())["apiKeyHint"]!.GetValue<string>().ShouldBe(hint);
    }

    [Fact]
    public async Task A_new_api_key_in_a_patch_replaces_the_stored_one_and_its_hint()
    {
        var oldKey = NewApiKey();
        var newKey = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-rekey"), "owner");
        var id = ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Rekeyed", oldKey));

        using var patched = await client.PatchJsonAsync($"{ProviderSeed.Url}/{id}", new { apiKey = newKey });

        patched.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await patched.DataAsync())["apiKeyHint"]!.GetValue<string>().ShouldBe("sk-..." + newKey[^4..]);
        (await UnprotectStoredAsync(Guid.Parse(id), Guid.Parse(id))).ShouldBe(newKey);
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_row_does_not_decrypt_there()
    {
        var keyA = NewApiKey();
        var keyB = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-binding"), "owner");
        var idA = Guid.Parse(ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Row A", keyA)));
        var idB = Guid.Parse(ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Row B", keyB)));
        (await UnprotectStoredAsync(idB, idB)).ShouldBe(keyB);

        await factory.Database.ExecuteAsync($"""
            UPDATE llm_providers AS b
            SET api_key_ciphertext = a.api_key_ciphertext, api_key_id = a.api_key_id
            FROM llm_providers AS a
            WHERE a.id = '{idA}' AND b.id = '{idB}'
            """);

        var storedA = await StoredSecretAsync(idA);
        var storedB = await StoredSecretAsync(idB);
        storedB.ShouldBe(storedA); // the copy really happened
        var protector = factory.Services.GetRequiredService<ISecretProtector>();
        Should.Throw<CryptographicException>(() => protector.Unprotect(storedB, idB));
        protector.Unprotect(storedA, idA).ShouldBe(keyA);
    }

    [Fact]
    public async Task A_tampered_ciphertext_does_not_decrypt()
    {
        var key = NewApiKey();
        using var client = factory.ClientFor(ProviderSeed.UniqueOrganization("org-tamper"), "owner");
        var id = Guid.Parse(ProviderSeed.IdOf(await ProviderSeed.CreateAsync(client, "Tampered", key)));
        var stored = await StoredSecretAsync(id);
        var last = stored.Ciphertext.Length - 1;

        await factory.Database.ExecuteAsync(
            $"UPDATE llm_providers SET api_key_ciphertext = set_byte(api_key_ciphertext, {last}, get_byte(api_key_ciphertext, {last}) # 1) WHERE id = '{id}'");

        var tampered = await StoredSecretAsync(id);
        tampered.ShouldNotBe(stored);
        var protector = factory.Services.GetRequiredService<ISecretProtector>();
        Should.Throw<CryptographicException>(() => protector.Unprotect(tampered, id));
        Should.Throw<CryptographicException>(() => protector.Unprotect(stored, Guid.NewGuid()));
        protector.Unprotect(stored, id).ShouldBe(key);
    }

    private static string NewApiKey() => "sk-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)) + "Zq9W";

    private async Task<EncryptedSecret> StoredSecretAsync(Guid id)
    {
        var keyId = await factory.Database.ScalarAsync<string>($"SELECT api_key_id FROM llm_providers WHERE id = '{id}'");
        var ciphertext = await factory.Database.ScalarAsync<byte[]>($"SELECT api_key_ciphertext FROM llm_providers WHERE id = '{id}'");
        keyId.ShouldNotBeNull();
        ciphertext.ShouldNotBeNull();
        return new EncryptedSecret(keyId, ciphertext);
    }

    private async Task<string> UnprotectStoredAsync(Guid row, Guid ownerId) =>
        factory.Services.GetRequiredService<ISecretProtector>().Unprotect(await StoredSecretAsync(row), ownerId);

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string url, string json, string ifMatch)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The status line, every header and the body, as one text.</summary>
    private static async Task<string> EverythingInAsync(HttpResponseMessage response)
    {
        var text = new StringBuilder();
        text.AppendLine(response.ReasonPhrase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            text.Append(name).Append(": ").AppendJoin(", ", values).AppendLine();
        }

        foreach (var (name, values) in response.TrailingHeaders)
        {
            text.Append(name).Append(": ").AppendJoin(", ", values).AppendLine();
        }

        text.AppendLine(await response.Content.ReadAsStringAsync());
        return text.ToString();
    }

    /// <summary>Message, exception (with inner ones and stack), structured state, raw state and scopes of every captured record.</summary>
    private static string LogText(FakeLogCollector logs)
    {
        var text = new StringBuilder();
        foreach (var record in logs.GetSnapshot())
        {
            text.Append(record.Category).Append(' ').AppendLine(record.Message);
            if (record.Exception is not null)
            {
                text.AppendLine(record.Exception.ToString());
            }

            foreach (var (name, value) in record.StructuredState ?? [])
            {
                text.Append(name).Append('=').AppendLine(value);
            }

            text.AppendLine(record.State?.ToString());
            foreach (var scope in record.Scopes)
            {
                text.AppendLine(scope?.ToString());
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                {
                    foreach (var (name, value) in pairs)
                    {
                        text.Append(name).Append('=').AppendLine(value?.ToString());
                    }
                }
            }
        }

        return text.ToString();
    }

    private static void ShouldHoldNeither(string text, string first, string? second, string where)
    {
        foreach (var key in second is null ? new[] { first } : new[] { first, second })
        {
            text.Contains(key, StringComparison.Ordinal).ShouldBeFalse($"{where} holds the API key");
            // The distinctive middle of the key, in case it was trimmed, re-cased or cut.
            text.Contains(key[8..36], StringComparison.OrdinalIgnoreCase).ShouldBeFalse($"{where} holds part of the API key");
        }
    }
}
