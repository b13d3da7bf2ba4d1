using System;
using System.CodeDom.Compiler;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Tests;

/// <summary>
/// Generated methods must stay far below the JIT's MinOpts limits (60,000 IL bytes and friends), which would turn
/// optimisation off; STYLE 2.5 sets our own ceiling at 16 KB of IL per method. This is the project's one IL-size test:
/// it reads the IL the build really produced, for every network this assembly compiles (every NetworkCases network at
/// every unroll depth, the training, gradient, ONNX and baked ones) and their kernel classes.
/// </summary>
public class MethodSizeTests(ITestOutputHelper output)
{
    private const int MaxIlBytes = 16 * 1024;

    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Every_generated_method_has_less_than_16_KB_of_IL()
    {
        Type[] networks = typeof(MethodSizeTests).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<GeneratedCodeAttribute>()?.Tool == "LeNet.Generator" && !t.IsNested)
            .ToArray();
        Assert.Subset(networks.ToHashSet(), NetworkCases.All.Select(c => c.Type).ToHashSet());

        var sizes = new List<(string Method, int Bytes)>();
        foreach (Type network in networks)
        {
            foreach (Type type in SelfAndNested(network))
            {
                IEnumerable<MethodBase> methods = type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything));
                foreach (MethodBase method in methods)
                {
                    byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
                    sizes.Add(($"{type.FullName}.{method.Name}", il?.Length ?? 0));
                }
            }
        }

        foreach ((string method, int bytes) in sizes.OrderByDescending(s => s.Bytes).Take(5))
        {
            output.WriteLine($"{bytes,6} B  {method}");
        }

        Assert.Contains(sizes, s => s.Method.EndsWith("LeNet5Kernels.Conv1Forward", StringComparison.Ordinal));
        string[] tooLarge = sizes.Where(s => s.Bytes >= MaxIlBytes).Select(s => $"{s.Method}: {s.Bytes} B").ToArray();
        Assert.Empty(tooLarge);
    }

    private static IEnumerable<Type> SelfAndNested(Type type) =>
        new[] { type }.Concat(type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(SelfAndNested));
}
