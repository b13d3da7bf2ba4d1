namespace LeNet.Sample.Runs;

/// <summary>The checked options of one <c>train</c> run; the defaults are <see cref="DefaultTraining"/>'s.</summary>
internal sealed record TrainSettings
{
    public string? DataDirectory { get; init; }

    public bool Download { get; init; }

    public int Epochs { get; init; } = DefaultTraining.Epochs;

    /// <summary>The network to train: <c>lenet5</c> (the lecture's, ReLU and max pooling), <c>lecun1998</c> (tanh and average pooling) or <c>batchnorm</c> (the lecture's with batch norms).</summary>
    public string Network { get; init; } = "lenet5";

    public int BatchSize { get; init; } = DefaultTraining.BatchSize;

    public string Optimizer { get; init; } = DefaultTraining.Optimizer;

    /// <summary>The rate to train with: the one given, else the optimizer's standard default, except Adam's (<see cref="DefaultTraining.LearningRate"/>).</summary>
    public float LearningRate { get; init; } = DefaultTraining.LearningRate;

    public string Schedule { get; init; } = DefaultTraining.Schedule;

    /// <summary>L2 weight decay (<see cref="DefaultTraining.WeightDecay"/>).</summary>
    public float WeightDecay { get; init; } = DefaultTraining.WeightDecay;

    /// <summary>Label smoothing of the cross-entropy's target (<see cref="DefaultTraining.LabelSmoothing"/>).</summary>
    public float LabelSmoothing { get; init; } = DefaultTraining.LabelSmoothing;

    /// <summary>Distortions of the training images: <c>none</c>, <c>default</c> (shift, rotation, scale) or <c>elastic</c> (those plus Simard's elastic distortion).</summary>
    public string Augmentation { get; init; } = DefaultTraining.Augmentation;

    /// <summary>Decay of the weight average that is evaluated and saved (<see cref="DefaultTraining.WeightAverageDecay"/>); 0 for the last step's weights.</summary>
    public float WeightAverageDecay { get; init; } = DefaultTraining.WeightAverageDecay;

    public int Seed { get; init; } = DefaultTraining.Seed;

    public int Threads { get; init; } = 1;

    public int? Limit { get; init; }

    public string SavePath { get; init; } = "lenet5-mnist.ckpt";

    public string? Resume { get; init; }

    public string? PlotDirectory { get; init; }

    public bool Json { get; init; }
}
