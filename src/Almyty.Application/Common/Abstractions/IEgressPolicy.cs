using Almyty.Domain.Common;

namespace Almyty.Application.Common.Abstractions;

/// <summary>Decides which upstream addresses the service may call.</summary>
public interface IEgressPolicy
{
    /// <summary>The check that can be made without DNS: literal addresses and known internal names. Null when allowed.</summary>
    Error? CheckBaseUrl(Uri baseUrl);
}
