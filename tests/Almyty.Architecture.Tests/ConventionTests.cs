using System.Reflection;
using FluentValidation;
using Mediator;

namespace Almyty.Architecture.Tests;

public sealed class ConventionTests
{
    private static readonly Type[] HandlerInterfaces =
    [
        typeof(ICommandHandler<,>),
        typeof(IQueryHandler<,>),
        typeof(IRequestHandler<,>),
        typeof(IStreamCommandHandler<,>),
        typeof(IStreamQueryHandler<,>),
        typeof(IStreamRequestHandler<,>),
    ];

    private static readonly Type[] MessageInterfaces =
    [
        typeof(ICommand<>),
        typeof(IQuery<>),
        typeof(IStreamCommand<>),
        typeof(IStreamQuery<>),
    ];

    private static readonly IReadOnlyList<Type> AllTypes = Layers.ReflectedProjectTypes(Layers.All);

    [Fact]
    public void EveryHandler_IsPublicAndSealed()
    {
        var handlers = Handlers();

        handlers.ShouldNotBeEmpty();
        handlers.Where(h => !(h.Type.IsPublic && h.Type.IsSealed)).Select(h => h.Type.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void EveryHandler_IsNamedAfterItsMessagePlusHandler()
    {
        var handlers = Handlers();

        handlers.ShouldNotBeEmpty();
        handlers.Where(h => h.Type.Name != h.Message.Name + "Handler")
            .Select(h => $"{h.Type.FullName} handles {h.Message.Name}")
            .ShouldBeEmpty();
    }

    [Fact]
    public void EveryHandler_LivesBesideItsMessage()
    {
        var handlers = Handlers();

        handlers.ShouldNotBeEmpty();
        handlers.Where(h => h.Type.Namespace != h.Message.Namespace || h.Type.Assembly != h.Message.Assembly)
            .Select(h => h.Type.FullName)
            .ShouldBeEmpty();
    }

    [Fact]
    public void EveryMessage_IsASealedRecord()
    {
        var messages = Messages();

        messages.ShouldNotBeEmpty();
        messages.Where(m => !(m.Type.IsSealed && IsRecord(m.Type))).Select(m => m.Type.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void EveryCommand_EndsInCommandAndEveryQueryInQuery()
    {
        var messages = Messages();

        messages.ShouldNotBeEmpty();
        messages.Where(m => !m.Type.Name.EndsWith(m.Kind, StringComparison.Ordinal))
            .Select(m => $"{m.Type.FullName} is a {m.Kind.ToLowerInvariant()}")
            .ShouldBeEmpty();
    }

    [Fact]
    public void EveryMessage_HasExactlyOneHandler()
    {
        var handled = Handlers().Select(h => h.Message).ToList();
        var messages = Messages().Select(m => m.Type).ToList();

        messages.ShouldNotBeEmpty();
        messages.Where(m => handled.Count(h => h == m) != 1).Select(m => m.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void EveryValidator_IsPublicSealedAndNamedAfterWhatItValidates()
    {
        var validators = Validators();

        validators.ShouldNotBeEmpty();
        validators.Where(v => !v.Type.IsSealed).Select(v => v.Type.FullName).ShouldBeEmpty("validators are sealed");
        validators.Where(v => v.Type.Name != v.Validated.Name + "Validator")
            .Select(v => $"{v.Type.FullName} validates {v.Validated.Name}")
            .ShouldBeEmpty();

        // AddValidatorsFromAssembly(includeInternalTypes: false) would silently skip a non-public validator.
        validators.Where(v => !v.Type.IsPublic).Select(v => v.Type.FullName).ShouldBeEmpty("validators are public so DI registers them");
    }

    [Fact]
    public void EveryValidator_LivesInTheApplicationLayer()
    {
        var validators = Validators();

        validators.ShouldNotBeEmpty();
        validators.Where(v => v.Type.Assembly != Layers.Application).Select(v => v.Type.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void InfrastructureImplementationsOfApplicationPorts_AreNotPublic()
    {
        var ports = Layers.ReflectedProjectTypes(Layers.Application).Where(t => t.IsInterface).ToList();
        var implementations = Layers.ReflectedProjectTypes(Layers.Infrastructure)
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(ports.Contains))
            .ToList();

        implementations.ShouldNotBeEmpty();
        implementations.Where(t => t.IsPublic || t.IsNestedPublic).Select(t => t.FullName).ShouldBeEmpty();
    }

    [Fact]
    public void TheCorePortsAreImplementedInInfrastructure()
    {
        var implemented = Layers.ReflectedProjectTypes(Layers.Infrastructure).SelectMany(t => t.GetInterfaces()).ToHashSet();

        implemented.ShouldContain(typeof(Application.Common.Abstractions.IAlmytyDbContext));
        implemented.ShouldContain(typeof(Application.Common.Abstractions.ISecretProtector));
        implemented.ShouldContain(typeof(Application.Common.Abstractions.IEgressPolicy));
    }

    [Fact]
    public void NoDomainEntityHasAPublicSetter()
    {
        var domainClasses = Layers.ReflectedProjectTypes(Layers.Domain).Where(t => t.IsClass && !IsRecord(t)).ToList();

        domainClasses.ShouldNotBeEmpty();
        domainClasses
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => (Type: t, Property: p)))
            .Where(x => x.Property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter))
            .Select(x => $"{x.Type.Name}.{x.Property.Name}")
            .ShouldBeEmpty();
    }

    [Fact]
    public void TheConventionScans_FindTheKnownHandlersMessagesValidatorsAndPorts()
    {
        // Guards the rules above against passing vacuously because a scan stopped finding what it checks.
        Handlers().ShouldContain((typeof(Application.Providers.CreateProvider.CreateProviderCommandHandler), typeof(Application.Providers.CreateProvider.CreateProviderCommand)));
        Handlers().ShouldContain((typeof(Application.Providers.ListProviders.ListProvidersQueryHandler), typeof(Application.Providers.ListProviders.ListProvidersQuery)));
        Messages().ShouldContain((typeof(Application.Providers.UpdateProvider.UpdateProviderCommand), "Command"));
        Messages().ShouldContain((typeof(Application.Providers.GetProvider.GetProviderQuery), "Query"));
        Validators().ShouldContain((typeof(Application.Providers.CreateProvider.CreateProviderCommandValidator), typeof(Application.Providers.CreateProvider.CreateProviderCommand)));
        Validators().ShouldContain((typeof(Application.Providers.ProviderConfigurationPatchValidator), typeof(Domain.Providers.ProviderConfigurationPatch)));
        Layers.ReflectedProjectTypes(Layers.Infrastructure).Select(t => t.Name).ShouldContain("AesGcmSecretProtector");
        Layers.ReflectedProjectTypes(Layers.Infrastructure).Select(t => t.Name).ShouldContain("EgressPolicy");
    }

    private static List<(Type Type, Type Message)> Handlers() =>
    [
        .. from type in AllTypes
           where type is { IsClass: true, IsAbstract: false }
           from contract in type.GetInterfaces()
           where contract.IsGenericType && HandlerInterfaces.Contains(contract.GetGenericTypeDefinition())
           select (type, contract.GetGenericArguments()[0]),
    ];

    private static List<(Type Type, string Kind)> Messages() =>
    [
        .. from type in AllTypes
           where !type.IsInterface && !type.IsAbstract
           let kinds = type.GetInterfaces()
               .Where(i => i.IsGenericType && MessageInterfaces.Contains(i.GetGenericTypeDefinition()))
               .Select(i => i.GetGenericTypeDefinition() == typeof(IQuery<>) || i.GetGenericTypeDefinition() == typeof(IStreamQuery<>) ? "Query" : "Command")
               .Distinct()
               .ToList()
           where kinds.Count > 0
           select (type, kinds.Count == 1 ? kinds[0] : "Command and Query"),
    ];

    private static List<(Type Type, Type Validated)> Validators()
    {
        var result = new List<(Type, Type)>();
        foreach (var type in AllTypes.Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            for (var current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (current.IsGenericType && current.GetGenericTypeDefinition() == typeof(AbstractValidator<>))
                {
                    result.Add((type, current.GetGenericArguments()[0]));
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The compiler gives every record class a <c>&lt;Clone&gt;$</c> method.</summary>
    private static bool IsRecord(Type type) => !type.IsValueType && type.GetMethod("<Clone>$") is not null;

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit));
}
