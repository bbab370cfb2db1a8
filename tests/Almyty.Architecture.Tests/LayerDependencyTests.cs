namespace Almyty.Architecture.Tests;

public sealed class LayerDependencyTests
{
    [Fact]
    public void Domain_DependsOnNoOtherAlmytyAssembly() =>
        Layers.TypesDependingOnAny(Layers.Domain, "Almyty.Application", "Almyty.Infrastructure", "Almyty.Api").ShouldBeEmpty();

    [Fact]
    public void Domain_DependsOnNoFrameworkOrLibraryBeyondTheBcl() =>
        Layers.TypesDependingOnAny(
                Layers.Domain,
                "Microsoft",
                "Mediator",
                "FluentValidation",
                "Riok.Mapperly",
                "Npgsql",
                "System.Net.Http",
                "System.Text.Json")
            .ShouldBeEmpty();

    [Fact]
    public void Domain_ReferencesOnlyBclAssemblies() =>
        Layers.ReferencedAssemblyNames(Layers.Domain)
            .Where(name => !(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib"))
            .ShouldBeEmpty();

    [Fact]
    public void Application_DependsOnNeitherInfrastructureNorApi() =>
        Layers.TypesDependingOnAny(Layers.Application, "Almyty.Infrastructure", "Almyty.Api").ShouldBeEmpty();

    [Fact]
    public void Application_DependsOnNoDatabaseDriverWebOrHttpTypes() =>
        Layers.TypesDependingOnAny(
                Layers.Application,
                "Npgsql",
                "Microsoft.AspNetCore",
                "System.Net.Http",
                "Microsoft.EntityFrameworkCore.Migrations",
                "Microsoft.Extensions.Http")
            .ShouldBeEmpty();

    [Fact]
    public void Application_ReferencesNoInfrastructureOrProviderSpecificAssembly()
    {
        var references = Layers.ReferencedAssemblyNames(Layers.Application);

        references.ShouldNotBeEmpty();
        references.Where(name =>
                name is "Almyty.Infrastructure" or "Almyty.Api" or "Microsoft.EntityFrameworkCore.Relational" or "System.Net.Http"
                || name.StartsWith("Npgsql", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    [Fact]
    public void Infrastructure_DoesNotDependOnApi()
    {
        Layers.TypesDependingOnAny(Layers.Infrastructure, "Almyty.Api").ShouldBeEmpty();
        Layers.ReferencedAssemblyNames(Layers.Infrastructure).ShouldNotContain("Almyty.Api");
    }

    [Fact]
    public void TheDependencyCheck_DetectsDependenciesThatDoExist()
    {
        // Guards the rules above against passing vacuously: the same check must see what each layer really uses.
        Layers.TypesDependingOnAny(Layers.Application, "Mediator").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Application, "FluentValidation").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Application, "Almyty.Domain").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Application, "Microsoft").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Infrastructure, "Npgsql").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Infrastructure, "Almyty.Application").ShouldNotBeEmpty();
        Layers.TypesDependingOnAny(Layers.Api, "Almyty.Infrastructure").ShouldNotBeEmpty();
    }
}
