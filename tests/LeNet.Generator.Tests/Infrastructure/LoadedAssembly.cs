using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit.Sdk;

namespace LeNet.Generator.Tests.Infrastructure;

/// <summary>
/// A generator run's output compilation emitted in memory and loaded into a collectible context, so hundreds of
/// random networks can be run in one test process and unloaded again. LeNet.Runtime resolves from the default context.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Assembly _assembly;

    private LoadedAssembly(AssemblyLoadContext context, Assembly assembly) => (_context, _assembly) = (context, assembly);

    public static LoadedAssembly Emit(Compilation compilation)
    {
        using var image = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(image);
        if (!result.Success)
        {
            throw new XunitException("The compilation does not emit:\n" + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        image.Position = 0;
        var context = new AssemblyLoadContext("LeNet.Generator.Tests.Loaded", isCollectible: true);
        return new LoadedAssembly(context, context.LoadFromStream(image));
    }

    /// <summary>Calls a public static method of a public type; arrays go in and out by reference.</summary>
    public object? Invoke(string typeName, string method, params object[] arguments)
    {
        Type type = _assembly.GetType(typeName, throwOnError: true)!;
        MethodInfo info = type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)
            ?? throw new XunitException($"{typeName} has no public static {method}.");
        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw new XunitException($"{typeName}.{method} threw: {exception.InnerException}");
        }
    }

    public void Dispose() => _context.Unload();
}
