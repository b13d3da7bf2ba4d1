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
/// buffers are summed in worker order, so the same seed and thread count give bit-identical parameters. A network
/// that implements <see cref="IBatchBackward"/> back-propagates each worker's share in one batched call.
/// </summary>
/// <typeparam name="TNet">The generated network type.</typeparam>
public sealed class Trainer<TNet>
    where TNet : class, INetwork<TNet>
{
    private readonly float[][] _gradients;
    private readonly float[][] _workspaces;
    private readonly double[] _workerLoss;
    private readonly int[] _workerCorrect;
    private readonly float[] _batchGradient;
    private readonly IBatchBackward? _batched;
    private readonly float[][] _shardInputs, _shardOutputs;
    private readonly int[][] _shardLabels;
    private int[] _order = [];
    private Dataset? _data;
    private float _learningRate;
    private Exception? _failure;

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

        // A network with a batched kernel gets each worker's share gathered into contiguous buffers instead.
        _batched = network as IBatchBackward;
        int share = (Options.BatchSize + workers - 1) / workers;
        _shardInputs = new float[_batched is null ? 0 : workers][];
        _shardOutputs = new float[_shardInputs.Length][];
        _shardLabels = new int[_shardInputs.Length][];
        for (int i = 0; i < _shardInputs.Length; i++)
        {
            _shardInputs[i] = new float[share * TNet.InputLength];
            _shardOutputs[i] = new float[share * TNet.OutputLength];
            _shardLabels[i] = new int[share];
            _workspaces[i] = new float[Math.Max(TNet.TrainingWorkspaceLength, _batched!.BatchTrainingWorkspaceLength(share))];
        }

        _workerLoss = new double[workers];
        _workerCorrect = new int[workers];
        _batchGradient = new float[TNet.ParameterCount];
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
    public EpochReport TrainEpoch(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data);
        int epoch = CompletedEpochs;
        float learningRate = Optimizer.LearningRate * (Options.Schedule?.Invoke(epoch) ?? 1f);
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
        _learningRate = learningRate;
        _failure = null;
        Optimizer.PrepareState(TNet.ParameterCount);
        foreach (float[] gradients in _gradients)
        {
            // Workers clear their slices after each batch; this covers an epoch that an exception cut short.
            Array.Clear(gradients);
        }

        using var barrier = new Barrier(workers);
        var threads = new Thread[workers - 1];
        for (int t = 1; t < workers; t++)
        {
            int worker = t;
            threads[t - 1] = new Thread(() => RunWorker(worker, barrier))
            {
                IsBackground = true,
                Name = $"LeNet trainer {worker}",
            };
            threads[t - 1].Start();
        }

        try
        {
            RunWorker(0, barrier);
        }
        finally
        {
            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            _data = null;
        }

        Exception? failure = _failure;
        if (failure is not null)
        {
            throw new InvalidOperationException($"Training failed in epoch {epoch + 1}: {failure.Message}", failure);
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
    public void LoadCheckpoint(string path)
    {
        CheckpointData data = Checkpoint.Load(path, TNet.Fingerprint, TNet.ParameterCount);
        if (data.OptimizerName.Length > 0 && !string.Equals(data.OptimizerName, Optimizer.Name, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Checkpoint '{path}' was written by the {data.OptimizerName} optimizer; this trainer uses {Optimizer.Name}.");
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

    private void Validate(Dataset data)
    {
        if (data.InputLength != TNet.InputLength)
        {
            throw new ArgumentException($"Expected inputs of {TNet.InputLength} floats for {typeof(TNet).Name}, got {data.InputLength}.", nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("Expected at least one training example, got an empty data set.", nameof(data));
        }

        int classes = TNet.Loss == LossKind.BinaryCrossEntropy ? 2 : TNet.OutputLength;
        ReadOnlySpan<int> labels = data.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"Expected labels from 0 to {classes - 1}, got {labels[i]} at index {i}.", nameof(data));
            }
        }
    }

    /// <summary>
    /// One worker's epoch. Every worker walks the same batches; per batch it back-propagates its contiguous share of the
    /// examples, then (after a barrier) sums one slice of the parameters' gradients over all workers in worker order and
    /// steps the optimizer on that slice, then waits for the others (a second barrier) before the next batch reads the
    /// parameters. A failure is recorded before a barrier and read after it, so all workers stop at the same point.
    /// </summary>
    private void RunWorker(int worker, Barrier barrier)
    {
        int count = _data!.Count;
        for (int batchStart = 0; batchStart < count; batchStart += Options.BatchSize)
        {
            int batchCount = Math.Min(Options.BatchSize, count - batchStart);
            try
            {
                RunShard(worker, batchStart, batchCount);
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref _failure, error, null);
            }

            if (Options.Threads > 1)
            {
                barrier.SignalAndWait();
            }

            if (Volatile.Read(ref _failure) is not null)
            {
                return;
            }

            try
            {
                ApplySlice(worker, batchCount);
            }
            catch (Exception error)
            {
                Interlocked.CompareExchange(ref _failure, error, null);
            }

            if (Options.Threads > 1)
            {
                barrier.SignalAndWait();
            }

            if (Volatile.Read(ref _failure) is not null)
            {
                return;
            }

            if (worker == 0)
            {
                // The others read the step count again only after the next batch's first barrier.
                Optimizer.CompleteUpdate();
            }
        }
    }

    /// <summary>Back-propagates worker <paramref name="worker"/>'s contiguous share of a batch into its cleared gradient buffer.</summary>
    private void RunShard(int worker, int batchStart, int batchCount)
    {
        Dataset data = _data!;
        int workers = Options.Threads;
        int from = batchStart + (int)((long)batchCount * worker / workers);
        int to = batchStart + (int)((long)batchCount * (worker + 1) / workers);
        float[] gradients = _gradients[worker];
        float[] workspace = _workspaces[worker];
        double loss = 0;
        int correct = 0;
        if (_batched is not null)
        {
            int count = to - from;
            Span<float> inputs = _shardInputs[worker].AsSpan(0, count * TNet.InputLength);
            Span<int> labels = _shardLabels[worker].AsSpan(0, count);
            Span<float> outputs = _shardOutputs[worker].AsSpan(0, count * TNet.OutputLength);
            for (int i = 0; i < count; i++)
            {
                int index = _order[from + i];
                data.Input(index).CopyTo(inputs.Slice(i * TNet.InputLength, TNet.InputLength));
                labels[i] = data.Label(index);
            }

            loss = _batched.BackwardBatch(inputs, labels, gradients, outputs, workspace);
            for (int i = 0; i < count; i++)
            {
                if (Evaluator.Predicted<TNet>(outputs.Slice(i * TNet.OutputLength, TNet.OutputLength)) == labels[i])
                {
                    correct++;
                }
            }

            _workerLoss[worker] += loss;
            _workerCorrect[worker] += correct;
            return;
        }

        for (int i = from; i < to; i++)
        {
            int index = _order[i];
            int label = data.Label(index);
            loss += Network.Backward(data.Input(index), label, gradients, workspace);
            if (Evaluator.Predicted<TNet>(workspace.AsSpan(TNet.OutputOffset, TNet.OutputLength)) == label)
            {
                correct++;
            }
        }

        _workerLoss[worker] += loss;
        _workerCorrect[worker] += correct;
    }

    /// <summary>
    /// Worker <paramref name="worker"/>'s slice of the update: sums the workers' gradients in worker order, averages over
    /// the batch, adds weight decay, steps the optimizer, and clears the slice of every worker's buffer for the next
    /// batch. Each element goes through the same operations as in one serial pass, so the bits do not depend on the slicing.
    /// </summary>
    private void ApplySlice(int worker, int batchCount)
    {
        int workers = Options.Threads;
        // Slices start on 64-byte boundaries, so two workers never write the same cache line.
        int from = (int)((long)TNet.ParameterCount * worker / workers) & ~15;
        int to = worker == workers - 1 ? TNet.ParameterCount : (int)((long)TNet.ParameterCount * (worker + 1) / workers) & ~15;
        if (to <= from)
        {
            return;
        }

        Span<float> sum = _batchGradient.AsSpan(from, to - from);
        _gradients[0].AsSpan(from, to - from).CopyTo(sum);
        for (int t = 1; t < workers; t++)
        {
            TensorPrimitives.Add(sum, _gradients[t].AsSpan(from, to - from), sum);
        }

        for (int t = 0; t < workers; t++)
        {
            _gradients[t].AsSpan(from, to - from).Clear();
        }

        TensorPrimitives.Multiply(sum, 1f / batchCount, sum);
        Span<float> parameters = Network.Parameters.Slice(from, to - from);
        if (Options.WeightDecay > 0)
        {
            foreach (LayerInfo layer in TNet.Layers)
            {
                // The part of this layer's weights that falls in [from, to).
                int start = Math.Max(layer.WeightOffset, from), end = Math.Min(layer.WeightOffset + layer.WeightLength, to);
                if (start < end)
                {
                    Span<float> weightGradient = sum.Slice(start - from, end - start);
                    TensorPrimitives.MultiplyAdd(parameters.Slice(start - from, end - start), Options.WeightDecay, weightGradient, weightGradient);
                }
            }
        }

        Optimizer.UpdateRange(parameters, sum, _learningRate, from);
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
            throw new ArgumentException($"Expected inputs of {TNet.InputLength} floats for {typeof(TNet).Name}, got {data.InputLength}.", nameof(data));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
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
                losses[shard] += LossOf<TNet>(output, label);
                if (Predicted<TNet>(output) == label)
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

    internal static int Predicted<TNet>(ReadOnlySpan<float> output)
        where TNet : class, INetwork<TNet> =>
        TNet.Loss == LossKind.BinaryCrossEntropy ? (output[0] >= 0.5f ? 1 : 0) : TensorPrimitives.IndexOfMax(output);

    private static double LossOf<TNet>(ReadOnlySpan<float> output, int label)
        where TNet : class, INetwork<TNet> => TNet.Loss switch
        {
            LossKind.CrossEntropy when (uint)label < (uint)output.Length => Kernels.NegativeLog(output[label]),
            LossKind.BinaryCrossEntropy => Kernels.NegativeLog(label == 1 ? output[0] : 1f - output[0]),
            _ => double.NaN,
        };
}
