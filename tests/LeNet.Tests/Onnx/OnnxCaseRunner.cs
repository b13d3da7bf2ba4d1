using System;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace LeNet.Tests.Onnx;

/// <summary>Calls a generic test body with a case's generated network type, so one theory covers every declared network.</summary>
internal static class OnnxCaseRunner
{
    public static void Run(Type testClass, string genericMethod, NetworkCase network)
    {
        MethodInfo method = testClass.GetMethod(genericMethod, BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{testClass.Name} has no static method {genericMethod}.");
        try
        {
            method.MakeGenericMethod(network.Type).Invoke(null, [network]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }
}
