using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LeNet.Benchmarks.Torch;

/// <summary>
/// The lecture's LeNet-5 in TorchSharp, layer for layer the generated <c>LeNet.Sample.LeNet5</c>: conv 6@5x5, ReLU,
/// max pool 2, conv 16@5x5, ReLU, max pool 2, flatten (C,H,W), dense 120 and 84 with ReLU, dense 10. The forward returns
/// logits; the loss is <c>cross_entropy</c> (softmax and negative log-likelihood fused), as the generated Softmax layer
/// with its label loss is. Parameters are copied in from the generated network's flat <c>Parameters</c>, whose order
/// and layout are PyTorch's (docs/pytorch.md).
/// </summary>
internal sealed class TorchLeNet5 : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1;
    private readonly Conv2d _conv2;
    private readonly Linear _fc3;
    private readonly Linear _fc4;
    private readonly Linear _fc5;

    public TorchLeNet5(ReadOnlySpan<float> parameters)
        : base(nameof(TorchLeNet5))
    {
        _conv1 = nn.Conv2d(1, 6, 5);
        _conv2 = nn.Conv2d(6, 16, 5);
        _fc3 = nn.Linear(16 * 5 * 5, 120);
        _fc4 = nn.Linear(120, 84);
        _fc5 = nn.Linear(84, 10);
        RegisterComponents();
        CopyFrom(parameters);
    }

    /// <summary>The parameters in layer order, each weight before its bias: the order of the generated Parameters.</summary>
    public Parameter[] Ordered => [_conv1.weight!, _conv1.bias!, _conv2.weight!, _conv2.bias!, _fc3.weight!, _fc3.bias!, _fc4.weight!, _fc4.bias!, _fc5.weight!, _fc5.bias!];

    public override Tensor forward(Tensor input)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor x = nn.functional.max_pool2d(nn.functional.relu(_conv1.forward(input)), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(_conv2.forward(x)), 2);
        x = nn.functional.relu(_fc3.forward(x.flatten(1)));
        x = nn.functional.relu(_fc4.forward(x));
        return _fc5.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>Overwrites every parameter with the next values of <paramref name="parameters"/>, which must hold exactly all of them.</summary>
    public void CopyFrom(ReadOnlySpan<float> parameters)
    {
        long total = 0;
        foreach (Parameter p in Ordered)
        {
            total += p.numel();
        }

        if (parameters.Length != total)
        {
            throw new ArgumentException($"Expected {total} parameters (LeNet-5 with one input channel), got {parameters.Length}.", nameof(parameters));
        }

        using IDisposable noGrad = no_grad();
        int offset = 0;
        foreach (Parameter p in Ordered)
        {
            int count = (int)p.numel();
            using Tensor values = tensor(parameters.Slice(offset, count).ToArray(), p.shape);
            p.copy_(values);
            offset += count;
        }
    }

    /// <summary>Every parameter's values (or, with <paramref name="gradients"/>, its gradient) flattened in the generated order.</summary>
    public float[] Flatten(bool gradients = false)
    {
        var result = new List<float>();
        foreach (Parameter p in Ordered)
        {
            Tensor source = gradients ? p.grad ?? throw new InvalidOperationException($"{p.name} has no gradient; run a backward pass first.") : p;
            result.AddRange(source.detach().contiguous().data<float>().ToArray());
        }

        return result.ToArray();
    }
}
