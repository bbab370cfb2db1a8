using System.Reflection;
using System.Runtime.CompilerServices;
using NetArchTest.Rules;

namespace Almyty.Architecture.Tests;

/// <summary>The four production assemblies and the project's own types in each.</summary>
internal static class Layers
{
    public static readonly Assembly Domain = typeof(Domain.Common.Error).Assembly;
    public static readonly Assembly Application = typeof(Application.DependencyInjection).Assembly;
    public static readonly Assembly Infrastructure = typeof(Infrastructure.DependencyInjection).Assembly;
    public static readonly Assembly Api = typeof(Api.DependencyInjection).Assembly;

    public static readonly Assembly[] All = [Domain, Application, Infrastructure, Api];

    /// <summary>Types the project wrote, not the ones the compiler synthesizes (such as the embedded nullable attributes).</summary>
    public static PredicateList ProjectTypes(Assembly assembly) =>
        Types.InAssembly(assembly).That().ResideInNamespaceStartingWith("Almyty");

    public static IReadOnlyList<Type> ReflectedProjectTypes(params Assembly[] assemblies) =>
    [
        .. assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Namespace?.StartsWith("Almyty", StringComparison.Ordinal) == true)
            .Where(t => !t.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false)),
    ];

    public static IReadOnlyList<string> ReferencedAssemblyNames(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    /// <summary>The project types of <paramref name="assembly"/> that depend on any of the namespaces; fails if there are no types to check.</summary>
    public static IReadOnlyList<string> TypesDependingOnAny(Assembly assembly, params string[] namespaces)
    {
        ProjectTypes(assembly).GetTypes().ShouldNotBeEmpty($"{assembly.GetName().Name} should have types to check");
        var result = ProjectTypes(assembly).ShouldNot().HaveDependencyOnAny(namespaces).GetResult();
        return result.IsSuccessful ? [] : [.. result.FailingTypeNames];
    }
}
