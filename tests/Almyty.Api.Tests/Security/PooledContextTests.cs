using System.Collections.Concurrent;
using Almyty.Api.Tests.Infrastructure;
using Almyty.Application.Common.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Almyty.Api.Tests.Security;

/// <summary>
/// A pooled DbContext carries the tenant of the request that rented it, so it must go back to the pool exactly once,
/// when that request's scope ends: returned twice, it can be handed to a second request while the first still uses it.
/// Only scopes racing each other show that (the first test); the second checks that the pool is in use at all.
/// </summary>
public sealed class PooledContextTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const int Workers = 8;
    private const int ScopesEach = 1500;

    [Fact]
    public async Task No_context_is_ever_held_by_two_live_request_scopes_at_once()
    {
        var held = new ConcurrentDictionary<IAlmytyDbContext, int>(ReferenceEqualityComparer.Instance);
        var shared = 0;
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < ScopesEach; i++)
            {
                await using var scope = scopes.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<IAlmytyDbContext>();
                if (!held.TryAdd(context, worker))
                {
                    Interlocked.Increment(ref shared);
                    continue;
                }

                await Task.Yield();
                held.TryRemove(context, out _);
            }
        }, TestContext.Current.CancellationToken)));

        shared.ShouldBe(0, "a context was rented to a second scope while the first still held it");
    }

    [Fact]
    public async Task A_context_given_back_is_reused_and_scopes_alive_together_never_share_one()
    {
        var scopes = factory.Services.GetRequiredService<IServiceScopeFactory>();
        IAlmytyDbContext first;
        await using (var scope = scopes.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<IAlmytyDbContext>();
        }

        // More scopes at once than contexts this class ever held, so every pooled context, duplicates included, is rented.
        var later = Enumerable.Range(0, 8 * Workers).Select(_ => scopes.CreateAsyncScope()).ToList();
        try
        {
            var contexts = later.Select(scope => scope.ServiceProvider.GetRequiredService<IAlmytyDbContext>()).ToList();

            contexts.Distinct(ReferenceEqualityComparer.Instance).Count().ShouldBe(contexts.Count, "two live scopes were given the same context");
            contexts.ShouldContain(context => ReferenceEquals(context, first), "the pool reuses the context the first scope returned");
        }
        finally
        {
            foreach (var scope in later)
            {
                await scope.DisposeAsync();
            }
        }
    }
}
