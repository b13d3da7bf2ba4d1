namespace LeNet.Generator.Model;

/// <summary>
/// One checked layer with every size and offset the emitter needs, built by the factory of its kind. Parameter offsets
/// index the flat parameter span; workspace offsets index the activation workspace. <see cref="InputOffset"/> is -1 for
/// the first layer (it reads the network input); <see cref="PaddedOffset"/> is the zero-padded copy of the input that a
/// padded convolution reads, or -1.
/// </summary>
internal sealed record LayerShape
{
    private LayerShape(string name, string className, LayerType kind, Activation activation)
    {
        Name = name;
        ClassName = className;
        Kind = kind;
        Activation = activation;
    }

    /// <summary>The lecture's name: CONV1, POOL1, FC3, Softmax, ...</summary>
    public string Name { get; }

    /// <summary>The nested class holding the layer's constants and naming its kernels: Conv1, Pool1, Fc3, ...</summary>
    public string ClassName { get; }

    public LayerType Kind { get; }

    public Activation Activation { get; }

    public int InC { get; private init; }

    public int InH { get; private init; }

    public int InW { get; private init; }

    public int OutC { get; private init; }

    public int OutH { get; private init; }

    public int OutW { get; private init; }

    /// <summary>The window's side (K of K×K); 0 for a dense layer.</summary>
    public int Kernel { get; private init; }

    public int Stride { get; private init; } = 1;

    public int Padding { get; private init; }

    public int WeightLength { get; private init; }

    public int BiasLength { get; private init; }

    public int WeightOffset { get; init; }

    public int BiasOffset => WeightOffset + WeightLength;

    /// <summary>A batch normalisation's running mean then running variance, 2C floats after its β; 0 for other kinds.</summary>
    public int StatisticsLength { get; private init; }

    public int StatisticsOffset => BiasOffset + BiasLength;

    public int InputOffset { get; init; } = -1;

    public int OutputOffset { get; init; }

    public int PaddedOffset { get; init; } = -1;

    /// <summary>A dropout layer's drop probability in training; 0 for other kinds.</summary>
    public float Rate { get; private init; }

    /// <summary>A batch normalisation's weight of each batch in its running statistics; 0 for other kinds.</summary>
    public float Momentum { get; private init; }

    /// <summary>A batch normalisation's ε; 0 for other kinds.</summary>
    public float Epsilon { get; private init; }

    /// <summary>Values per channel of one example (H·W, 1 after a dense layer): what a batch normalisation averages over with the batch.</summary>
    public int Plane => OutH * OutW;

    /// <summary>Whether the output is flat (units) rather than (C,H,W): a dense layer, or a dropout after one.</summary>
    public bool IsFlat { get; private init; }

    public int InputLength => InC * InH * InW;

    public int OutputLength => OutC * OutH * OutW;

    /// <summary>Floats in the parameter span: weights, biases and (for a batch normalisation) its running statistics.</summary>
    public int ParameterCount => WeightLength + BiasLength + StatisticsLength;

    public int PaddedH => InH + (2 * Padding);

    public int PaddedW => InW + (2 * Padding);

    /// <summary>Floats of the zero-padded input copy; 0 without padding.</summary>
    public int PaddedLength => Padding > 0 ? InC * PaddedH * PaddedW : 0;

    public bool IsPadded => PaddedOffset >= 0;

    /// <summary>False for the first layer: nothing upstream needs the gradient of the network input.</summary>
    public bool HasInputGradient => InputOffset >= 0;

    public bool HasParameters => ParameterCount > 0;

    /// <summary>Inputs that feed one output (He/Glorot scaling): IC·K² for a convolution, IC for a dense layer, K² for a pool.</summary>
    public int FanIn => Kind switch
    {
        LayerType.Conv => InC * Kernel * Kernel,
        LayerType.Dense => InC,
        _ => Kernel * Kernel,
    };

    /// <summary>Outputs one input feeds: OC·K² for a convolution, OC for a dense layer, 1 for a pool.</summary>
    public int FanOut => Kind switch
    {
        LayerType.Conv => OutC * Kernel * Kernel,
        LayerType.Dense => OutC,
        _ => 1,
    };

    /// <summary>The weights a dense layer from this layer's input to its output would need (the lecture's comparison).</summary>
    public long DenseEquivalentWeights => Kind == LayerType.Conv ? (long)InputLength * OutputLength : 0;

    /// <summary>floor((n + 2p − f) / s) + 1: the output size of a window f stepping by s over n padded by p.</summary>
    public static long OutputSize(long n, int window, int stride, int padding) => ((n + (2L * padding) - window) / stride) + 1;

    /// <summary>A convolution of <paramref name="spec"/> over an input (c, h, w) whose sizes the checker has found to fit.</summary>
    public static LayerShape Conv(string name, string className, ConvSpec spec, int c, int h, int w) =>
        new(name, className, LayerType.Conv, spec.Activation)
        {
            InC = c,
            InH = h,
            InW = w,
            OutC = spec.Filters,
            OutH = (int)OutputSize(h, spec.Kernel, spec.Stride, spec.Padding),
            OutW = (int)OutputSize(w, spec.Kernel, spec.Stride, spec.Padding),
            Kernel = spec.Kernel,
            Stride = spec.Stride,
            Padding = spec.Padding,
            WeightLength = spec.Filters * c * spec.Kernel * spec.Kernel,
            BiasLength = spec.Filters,
        };

    /// <summary>A max or average pool of <paramref name="spec"/> over (c, h, w): channels kept, no parameters.</summary>
    public static LayerShape Pool(string name, string className, PoolSpec spec, int c, int h, int w) =>
        new(name, className, spec.Kind, Activation.None)
        {
            InC = c,
            InH = h,
            InW = w,
            OutC = c,
            OutH = (int)OutputSize(h, spec.Size, spec.Stride, 0),
            OutW = (int)OutputSize(w, spec.Size, spec.Stride, 0),
            Kernel = spec.Size,
            Stride = spec.Stride,
        };

    /// <summary>A dense layer of <paramref name="spec"/> over the flattened (c, h, w) input.</summary>
    public static LayerShape Dense(string name, string className, DenseSpec spec, int c, int h, int w) =>
        new(name, className, LayerType.Dense, spec.Activation)
        {
            InC = c * h * w,
            InH = 1,
            InW = 1,
            OutC = spec.Units,
            OutH = 1,
            OutW = 1,
            WeightLength = c * h * w * spec.Units,
            BiasLength = spec.Units,
            IsFlat = true,
        };

    /// <summary>A dropout of <paramref name="rate"/> over (c, h, w): the shape kept, no parameters; flat after a flat layer.</summary>
    public static LayerShape Dropout(string name, string className, float rate, int c, int h, int w, bool flat) =>
        new(name, className, LayerType.Dropout, Activation.None)
        {
            InC = c,
            InH = h,
            InW = w,
            OutC = c,
            OutH = h,
            OutW = w,
            Rate = rate,
            IsFlat = flat,
        };

    /// <summary>
    /// A batch normalisation over (c, h, w), per channel (per unit after a dense layer, whose output is flat): the shape
    /// kept; γ and β, one per channel, then the running mean and variance.
    /// </summary>
    public static LayerShape BatchNorm(string name, string className, BatchNormSpec spec, int c, int h, int w, bool flat) =>
        new(name, className, LayerType.BatchNorm, spec.Activation)
        {
            InC = c,
            InH = h,
            InW = w,
            OutC = c,
            OutH = h,
            OutW = w,
            WeightLength = c,
            BiasLength = c,
            StatisticsLength = 2 * c,
            Momentum = (float)spec.Momentum,
            Epsilon = (float)spec.Epsilon,
            IsFlat = flat,
        };
}
