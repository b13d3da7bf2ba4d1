using System;
using System.Diagnostics;
using System.IO;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;

namespace LeNet.Training;

/// <summary>
/// Mini-batch training of any generated network on the mean loss J = (1/m) Σ L over each batch. Data-parallel: each
/// worker thread back-propagates its share of the batch into its own gradient buffer with its own workspace, and the
/// buffers are summed in worker order, so the same seed and thread count give bit-identical parameters.
/// </summary>
/// <typeparam name="TNet">The generated network type.</typeparam>
public sealed partial class Trainer<TNet>
    where TNet : class, INetwork<TNet>
{
    private readonly float[][] _gradients;
    private readonly float[][] _workspaces;
    private readonly double[] _workerLoss;
    private readonly int[] _workerCorrect;
    private readonly float[] _batchGradient;
    private readonly ImageAugmenter[]? _augmenters;
    private readonly float[][] _augmented = [];
    private readonly double[] _workerBatchLoss;
    private readonly float[] _parametersBeforeUpdate;
    private int[] _order = [];
    private Dataset? _data;
    private int _batchStart;
    private int _batchCount;
    private int _epoch;

    /// <summary>Creates a trainer; the network's parameters are used as they are (see <see cref="Initializer"/>).</summary>
    public Trainer(TNet network, Optimizer optimizer, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        Options = options ?? new TrainingOptions();
        Options.Validate();
        if (TNet.Loss == LossKind.None)
        {
            throw new ArgumentException($"{typeof(TNet).Name} has no label loss: its last layer must be Softmax or a single Sigmoid unit.", nameof(network));
        }

        Network = network;
        Optimizer = optimizer;
        int workers = Options.Threads;
        _gradients = new float[workers][];
        _workspaces = new float[workers][];
        for (int i = 0; i < workers; i++)
        {
            _gradients[i] = new float[TNet.ParameterCount];
            _workspaces[i] = new float[TNet.TrainingWorkspaceLength];
        }

        _workerLoss = new double[workers];
        _workerCorrect = new int[workers];
        _batchGradient = new float[TNet.ParameterCount];
        if (Options.Augmentation is { } augmentation)
        {
            // One augmenter and one image buffer per worker: the augmenter's scratch is per thread.
            _augmenters = new ImageAugmenter[workers];
            _augmented = new float[workers][];
            for (int i = 0; i < workers; i++)
            {
                _augmenters[i] = new ImageAugmenter(augmentation, TNet.InputLength);
                _augmented[i] = new float[TNet.InputLength];
            }
        }
        _workerBatchLoss = new double[workers];
        _parametersBeforeUpdate = new float[TNet.ParameterCount];
    }

    /// <summary>The network being trained.</summary>
    public TNet Network { get; }

    /// <summary>The optimizer applying the updates.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Batch size, seed, threads, weight decay and schedule.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Epochs trained so far (also restored from a checkpoint).</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>Trains one epoch over <paramref name="data"/> in an order shuffled from the seed and the epoch number.</summary>
    /// <exception cref="ArgumentException">The data's input length or labels do not fit the network.</exception>
    /// <exception cref="InvalidOperationException">
    /// The schedule gives this epoch a factor that is not positive and finite, or every weight of the network is zero
    /// (it was never initialised).
    /// </exception>
    /// <exception cref="TrainingDivergedException">
    /// A batch's loss or gradient, or the parameters after its update, are not finite. Nothing of that batch is kept.
    /// </exception>
    public EpochReport TrainEpoch(Dataset data) => TrainEpoch(data, null, CancellationToken.None);

    /// <summary>
    /// Trains one epoch, calling <paramref name="batchCompleted"/> on this thread after each mini-batch's update, and
    /// stopping after the current batch once <paramref name="cancellationToken"/> is cancelled. A stopped epoch is not
    /// counted in <see cref="CompletedEpochs"/>; the parameters keep the updates of the batches that ran.
    /// </summary>
    /// <exception cref="ArgumentException">The data's input length or labels do not fit the network.</exception>
    /// <exception cref="InvalidOperationException">The schedule gives this epoch a factor that is not positive and finite.</exception>
    /// <exception cref="TrainingDivergedException">
    /// A batch's loss or gradient, or the parameters after its update, are not finite. Nothing of that batch is kept.
    /// </exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested; raised after the current batch.</exception>
    public EpochReport TrainEpoch(Dataset data, Action<BatchProgress>? batchCompleted, CancellationToken cancellationToken) =>
        TrainEpochCore(data, batchCompleted, null, cancellationToken, rollBackWhenCancelled: false);

    /// <summary>
    /// The epoch loop behind <see cref="TrainEpoch(Dataset, Action{BatchProgress}?, CancellationToken)"/> and
    /// <see cref="Fit"/>: either callback may be null; with <paramref name="rollBackWhenCancelled"/> a cancelled epoch
    /// is undone (parameters, optimizer state and epoch count as before it began).
    /// </summary>
    private EpochReport TrainEpochCore(Dataset data, Action<BatchProgress>? batchCompleted, IProgress<BatchReport>? batchReport, CancellationToken cancellationToken, bool rollBackWhenCancelled)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data);
        RefuseUninitialisedWeights();
        if (rollBackWhenCancelled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        int epoch = CompletedEpochs;
        if (epoch >= Checkpoint.MaxEpoch)
        {
            throw new InvalidOperationException($"Expected at most {Checkpoint.MaxEpoch} epochs, the most a checkpoint records; {epoch} are done.");
        }

        float learningRate = LearningRateOf(epoch);
        _epoch = epoch;
        if (rollBackWhenCancelled && cancellationToken.CanBeCanceled)
        {
            SaveEpochStart();
        }

        int batchCount = (data.Count + Options.BatchSize - 1) / Options.BatchSize;
        if (_order.Length != data.Count)
        {
            _order = new int[data.Count];
        }

        Shuffle(_order, Options.Seed, epoch);
        _data = data;
        Array.Clear(_workerLoss);
        Array.Clear(_workerCorrect);

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        int workers = Options.Threads;
        using var start = new Barrier(workers);
        using var done = new Barrier(workers);
        Exception? failure = null;
        bool stopping = false;
        bool stoppedEarly = false;
        var threads = new Thread[workers - 1];
        for (int t = 1; t < workers; t++)
        {
            int worker = t;
            threads[t - 1] = new Thread(() =>
            {
                while (true)
                {
                    start.SignalAndWait();
                    if (Volatile.Read(ref stopping))
                    {
                        return;
                    }

                    try
                    {
                        RunShard(worker);
                    }
                    catch (Exception error)
                    {
                        Interlocked.CompareExchange(ref failure, error, null);
                    }

                    done.SignalAndWait();
                }
            })
            {
                IsBackground = true,
                Name = $"LeNet trainer {worker}",
            };
            threads[t - 1].Start();
        }

        try
        {
            for (int batchStart = 0; batchStart < data.Count; batchStart += Options.BatchSize)
            {
                _batchStart = batchStart;
                _batchCount = Math.Min(Options.BatchSize, data.Count - batchStart);
                if (workers > 1)
                {
                    start.SignalAndWait();
                }

                try
                {
                    RunShard(0);
                }
                catch (Exception error)
                {
                    Interlocked.CompareExchange(ref failure, error, null);
                }

                if (workers > 1)
                {
                    done.SignalAndWait();
                }

                if (failure is not null)
                {
                    break;
                }

                ApplyBatch(_batchCount, learningRate, epoch + 1, (batchStart / Options.BatchSize) + 1);
                if (batchCompleted is not null)
                {
                    batchCompleted(new BatchProgress(epoch + 1, batchStart + _batchCount, data.Count, RunningLoss() / (batchStart + _batchCount)));
                }

                batchReport?.Report(new BatchReport(epoch + 1, (batchStart / Options.BatchSize) + 1, batchCount, _batchCount, SumOfBatchLosses() / _batchCount, learningRate));
                if (cancellationToken.IsCancellationRequested && batchStart + _batchCount < data.Count)
                {
                    stoppedEarly = true;
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref stopping, true);
            if (workers > 1)
            {
                start.SignalAndWait();
            }

            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            _data = null;
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"Training failed in epoch {epoch + 1}: {failure.Message}", failure);
        }

        if (stoppedEarly && rollBackWhenCancelled)
        {
            RestoreEpochStart();
            throw new OperationCanceledException($"Training was cancelled in epoch {epoch + 1}; the epoch was rolled back.", cancellationToken);
        }

        if (stoppedEarly)
        {
            throw new OperationCanceledException($"Training stopped in epoch {epoch + 1} after {_batchStart + _batchCount} of {data.Count} examples.", cancellationToken);
        }

        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double loss = 0;
        long correct = 0;
        for (int t = 0; t < workers; t++)
        {
            loss += _workerLoss[t];
            correct += _workerCorrect[t];
        }

        CompletedEpochs++;
        double seconds = clock.Elapsed.TotalSeconds;
        return new EpochReport(CompletedEpochs, loss / data.Count, (double)correct / data.Count, seconds, learningRate)
        {
            ImagesPerSecond = data.Count / seconds,
            AllocatedBytes = allocated,
        };
    }

    private double RunningLoss()
    {
        double loss = 0;
        foreach (double workerLoss in _workerLoss)
        {
            loss += workerLoss;
        }

        return loss;
    }

    /// <summary>Accuracy and mean loss of the network on <paramref name="data"/>, on all the trainer's threads.</summary>
    public Evaluation Evaluate(Dataset data) => Evaluator.Evaluate(Network, data, Options.Threads);

    /// <summary>
    /// Saves the parameters, the optimizer's state and the epoch count atomically (a temporary file, then a rename), so
    /// <see cref="LoadCheckpoint"/> can resume training bit-identically.
    /// </summary>
    public void SaveCheckpoint(string path)
    {
        float[][] state = Optimizer.State.ToArray();
        Checkpoint.Save(path, new CheckpointData
        {
            Fingerprint = TNet.Fingerprint,
            Parameters = Network.Parameters.ToArray(),
            OptimizerName = Optimizer.Name,
            Step = Optimizer.Step,
            Epoch = CompletedEpochs,
            OptimizerState = state,
        });
    }

    /// <summary>
    /// Restores parameters, optimizer state and epoch count from a checkpoint. The file is validated in full first: a
    /// file of another architecture or optimizer, truncated or corrupted, is refused and changes nothing.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid checkpoint of this network and optimizer.</exception>
    public void LoadCheckpoint(string path) => Restore(Checkpoint.Load(path, TNet.Fingerprint, TNet.ParameterCount), path);

    /// <summary>Applies a checkpoint that <see cref="Checkpoint"/> has validated; refuses one of another optimizer before changing anything.</summary>
    internal void Restore(CheckpointData data, string path)
    {
        if (data.OptimizerName.Length > 0 && !string.Equals(data.OptimizerName, Optimizer.Name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Checkpoint '{path}' was written by the {data.OptimizerName} optimizer; this trainer uses {Optimizer.Name}. "
                + "To start from its parameters alone, load them with network.LoadWeights(path) before creating the trainer.");
        }

        try
        {
            Optimizer.Restore(data.Step, data.OptimizerState, TNet.ParameterCount);
        }
        catch (ArgumentException error)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has optimizer state that does not fit {Optimizer.Name}: {error.Message}", error);
        }

        data.Parameters.CopyTo(Network.Parameters);
        CompletedEpochs = data.Epoch;
    }

    /// <summary>
    /// TNet.ClassOf as a delegate made once: called straight from the shared generic code of the shard loop, the
    /// static abstract member allocated on every call while tiering ran the loop's on-stack-replaced version
    /// (EpochAllocationTests caught it).
    /// </summary>
    private static readonly ClassOfOutput s_classOf = TNet.ClassOf;

    private delegate int ClassOfOutput(ReadOnlySpan<float> output);

    private void Validate(Dataset data)
    {
        if (data.InputLength != TNet.InputLength)
        {
            throw new ArgumentException(InputLengthMessage.For(typeof(TNet).Name, TNet.InputLength, data.InputLength), nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("Expected at least one training example, got an empty data set.", nameof(data));
        }

        int classes = TNet.ClassCount;
        ReadOnlySpan<int> labels = data.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"Expected labels from 0 to {classes - 1}, got {labels[i]} at index {i}.", nameof(data));
            }
        }
    }

    /// <summary>Back-propagates worker <paramref name="worker"/>'s contiguous share of the current batch.</summary>
    private void RunShard(int worker)
    {
        Dataset data = _data!;
        int workers = Options.Threads;
        int from = _batchStart + (int)((long)_batchCount * worker / workers);
        int to = _batchStart + (int)((long)_batchCount * (worker + 1) / workers);
        float[] gradients = _gradients[worker];
        float[] workspace = _workspaces[worker];
        Array.Clear(gradients);
        double loss = 0;
        int correct = 0;
        for (int i = from; i < to; i++)
        {
            int index = _order[i];
            int label = data.Label(index);
            ReadOnlySpan<float> input = data.Input(index);
            if (_augmenters is not null)
            {
                _augmenters[worker].Apply(input, _augmented[worker], Options.Seed, _epoch, index);
                input = _augmented[worker];
            }

            loss += Network.Backward(input, label, gradients, workspace);
            if (s_classOf(workspace.AsSpan(TNet.OutputOffset, TNet.OutputLength)) == label)
            {
                correct++;
            }
        }

        _workerLoss[worker] += loss;
        _workerBatchLoss[worker] = loss;
        _workerCorrect[worker] += correct;
    }

    /// <summary>The optimizer's rate scaled by the schedule for <paramref name="epoch"/> (0-based); refuses a factor that cannot train.</summary>
    private float LearningRateOf(int epoch)
    {
        if (Options.Schedule is null)
        {
            return Optimizer.LearningRate;
        }

        float factor = Options.Schedule(epoch);
        float rate = Optimizer.LearningRate * factor;
        if (!(factor > 0) || !float.IsFinite(factor) || !float.IsFinite(rate))
        {
            throw new InvalidOperationException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The learning-rate schedule returned {factor} for epoch {epoch + 1} (learning rate {rate}); expected a positive factor giving a finite rate."));
        }

        return rate;
    }

    /// <summary>
    /// Sums the workers' gradients in worker order, averages over the batch, adds weight decay and steps. A non-finite
    /// loss or gradient stops before the step; parameters made non-finite by the step are put back as they were.
    /// </summary>
    private void ApplyBatch(int batchCount, float learningRate, int epoch, int batch)
    {
        double batchLoss = 0;
        foreach (double loss in _workerBatchLoss)
        {
            batchLoss += loss;
        }

        if (!double.IsFinite(batchLoss))
        {
            throw new TrainingDivergedException(epoch, batch, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the batch's mean loss is {batchLoss / batchCount}"));
        }

        Span<float> sum = _batchGradient;
        _gradients[0].CopyTo(sum);
        for (int t = 1; t < _gradients.Length; t++)
        {
            TensorPrimitives.Add(sum, _gradients[t], sum);
        }

        TensorPrimitives.Multiply(sum, 1f / batchCount, sum);
        Span<float> parameters = Network.Parameters;
        if (Options.WeightDecay > 0)
        {
            foreach (LayerInfo layer in TNet.Layers)
            {
                Span<float> weightGradient = sum.Slice(layer.WeightOffset, layer.WeightLength);
                TensorPrimitives.MultiplyAdd(parameters.Slice(layer.WeightOffset, layer.WeightLength), Options.WeightDecay, weightGradient, weightGradient);
            }
        }

        int bad = Checkpoint.IndexOfNonFinite(sum);
        if (bad >= 0)
        {
            throw new TrainingDivergedException(epoch, batch, $"the gradient of parameter {bad} is {sum[bad]}");
        }

        parameters.CopyTo(_parametersBeforeUpdate);
        Optimizer.Update(parameters, sum, learningRate);
        bad = Checkpoint.IndexOfNonFinite(parameters);
        if (bad >= 0)
        {
            float value = parameters[bad];
            _parametersBeforeUpdate.CopyTo(parameters);
            throw new TrainingDivergedException(epoch, batch, $"the update made parameter {bad} {value} (the optimizer's step and state include this update)");
        }
    }

    /// <summary>Fisher–Yates with System.Random seeded from (seed, epoch): the same on every machine and every resume.</summary>
    private static void Shuffle(int[] order, int seed, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Not HashCode.Combine: it is randomised per process, and the order must be the same in every run.
        var random = new Random(unchecked((seed * 1_000_003) + epoch) & int.MaxValue);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}

/// <summary>Accuracy and loss of a trained network, in parallel over contiguous shards reduced in order.</summary>
public static class Evaluator
{
    /// <summary>Runs <paramref name="network"/> over <paramref name="data"/> on <paramref name="threads"/> threads.</summary>
    public static Evaluation Evaluate<TNet>(TNet network, Dataset data, int threads = 1)
        where TNet : class, INetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (data.InputLength != TNet.InputLength)
        {
            throw new ArgumentException(InputLengthMessage.For(typeof(TNet).Name, TNet.InputLength, data.InputLength), nameof(data));
        }

        TrainingOptions.CheckThreads(threads, nameof(threads));
        var losses = new double[threads];
        var correct = new int[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, shard =>
        {
            var workspace = new float[TNet.WorkspaceLength];
            var output = new float[TNet.OutputLength];
            int from = (int)((long)data.Count * shard / threads), to = (int)((long)data.Count * (shard + 1) / threads);
            for (int i = from; i < to; i++)
            {
                network.Forward(data.Input(i), output, workspace);
                int label = data.Label(i);
                losses[shard] += TNet.LossOf(output, label);

                // A non-finite output has class -1, which no label matches: it counts as wrong, never as class 0.
                if (TNet.ClassOf(output) == label)
                {
                    correct[shard]++;
                }
            }
        });

        double loss = 0;
        long right = 0;
        for (int t = 0; t < threads; t++)
        {
            loss += losses[t];
            right += correct[t];
        }

        return data.Count == 0 ? new Evaluation(0, 0, 0) : new Evaluation((double)right / data.Count, loss / data.Count, data.Count);
    }
}
