using Almyty.Domain.Providers;

namespace Almyty.Application.Common.Abstractions;

/// <summary>Seals provider secrets at rest. The owner's id is bound to the ciphertext, so a copy in another row does not open.</summary>
public interface ISecretProtector
{
    EncryptedSecret Protect(string plaintext, Guid ownerId);

    string Unprotect(EncryptedSecret secret, Guid ownerId);

    /// <summary>True when the secret is sealed under the key that new secrets use.</summary>
    bool IsSealedWithActiveKey(EncryptedSecret secret);
}
