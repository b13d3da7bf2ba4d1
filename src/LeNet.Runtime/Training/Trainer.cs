using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace LeNet.Training;

/// <summary>
/// Mini-batch training of any generated network on the mean loss J = (1/m) Σ L over each batch. Data-parallel: each
/// worker thread back-propagates its share of the batch into its own gradient buffer with its own workspace, and the
/// buffers are summed in worker order, so the same seed and thread count give bit-identical parameters. A network
/// that implements <see cref="IBatchBackward"/> back-propagates each worker's share in one batched call. Each worker
/// reads the parameters from its own copy (see <see cref="_replicas"/>), so no worker's kernels read or write a cache
/// line that another core wrote in the same batch.
/// </summary>
/// <typeparam name="TNet">The generated network type.</typeparam>
public sealed partial class Trainer<TNet>
    where TNet : class, INetwork<TNet>
{
    private readonly float[][] _gradients;

    /// <summary>
    /// The network whose parameters worker w reads, steps its slice of and copies the other slices into: worker 0 trains
    /// <see cref="Network"/> itself; with several workers every other worker has a private replica of the same type (a
    /// network with batch normalisation, whose running statistics live in its parameters, or one that <c>Create</c> cannot make,
    /// shares <see cref="Network"/> instead). With one shared array each worker's kernels fetched half the parameters
    /// and half its gradient buffer from the other core's cache every batch, after the other's step and sum wrote them.
    /// </summary>
    private readonly TNet[] _replicas;
    private readonly float[][] _workspaces;
    private readonly int[] _workspaceOrigins;
    private readonly double[] _workerLoss;
    private readonly int[] _workerCorrect;
    private readonly float[] _batchGradient;
    private readonly IBatchBackward? _batched;
    private readonly IDropoutNetwork? _dropout;
    private readonly IBatchNormNetwork? _batchNorm;
    private readonly float[][] _shardInputs, _shardOutputs;
    private readonly int[][] _shardLabels;
    private readonly ImageAugmenter[]? _augmenters;
    private readonly float[][] _augmented = [];
    private readonly double[] _workerBatchLoss;
    private readonly float[] _parametersBeforeUpdate;
    // Separate arrays for the two checks: a worker may already write its step's result while another still reads the
    // gradient check's (no barrier lies between those), and sharing one array deadlocked the barrier.
    private readonly int[] _workerBadGradient, _workerBadParameter;
    private readonly float[] _workerBadValue;
    private int[] _order = [];
    private Dataset? _data;
    private float _learningRate;
    private Exception? _failure;

    // Apart from _failure: workers read _failure right after each barrier, and worker 0 records a divergence after a
    // barrier, so sharing the field would let another worker stop before undoing its slice of the step.
    private TrainingDivergedException? _divergence;
    private Action<BatchProgress>? _batchCompleted;
    private IProgress<BatchReport>? _batchReport;
    private int _epoch;
    private CancellationToken _cancellation;
    private int _stoppedAfter;
    private bool _stopRequested;
    private double _runningLoss;

    /// <summary>Longs per worker in <see cref="PhaseTicks"/>: a 128-byte stride, so workers never write one cache line.</summary>
    internal const int PhaseStride = 16;

    /// <summary>
    /// When set (Threads × <see cref="PhaseStride"/> longs), every worker adds the Stopwatch ticks it spends in each
    /// <see cref="TrainerPhase"/> at [worker × PhaseStride + phase]: the benchmarks' training profile. Null costs one test per phase.
    /// </summary>
    internal long[]? PhaseTicks { get; set; }

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
        _workspaceOrigins = new int[workers];
        for (int i = 0; i < workers; i++)
        {
            _gradients[i] = new float[TNet.ParameterCount];
            _workspaces[i] = BatchKernels.AllocateAligned(TNet.TrainingWorkspaceLength, out _workspaceOrigins[i]);
        }

        // A network with a batched kernel gets each worker's share gathered into contiguous buffers instead; one with
        // dropout trains per example, each with its own masks.
        _dropout = network as IDropoutNetwork;
        _batched = _dropout is null ? network as IBatchBackward : null;

        // Batch statistics need the whole batch: the workers share it as a team (see RunBatchNormShard).
        _batchNorm = network as IBatchNormNetwork;
        // A batch-norm network keeps one parameter array: its running statistics live there, and every worker reads them.
        _replicas = new TNet[workers];
        for (int i = 0; i < workers; i++)
        {
            _replicas[i] = i == 0 || _batchNorm is not null ? network : CreateReplica(network);
        }

        int share = (Options.BatchSize + workers - 1) / workers;
        _shardInputs = new float[_batched is not null || _batchNorm is not null ? workers : 0][];
        _shardOutputs = new float[_shardInputs.Length][];
        _shardLabels = new int[_shardInputs.Length][];
        for (int i = 0; i < _shardInputs.Length; i++)
        {
            _shardInputs[i] = new float[share * TNet.InputLength];
            _shardOutputs[i] = new float[share * TNet.OutputLength];
            _shardLabels[i] = new int[share];
            int batchWorkspace = _batched?.BatchTrainingWorkspaceLength(share) ?? _batchNorm!.BatchStatisticsWorkspaceLength(share);
            _workspaces[i] = BatchKernels.AllocateAligned(Math.Max(TNet.TrainingWorkspaceLength, batchWorkspace), out _workspaceOrigins[i]);
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
        _workerBadGradient = new int[workers];
        _workerBadParameter = new int[workers];
        _workerBadValue = new float[workers];
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
    /// <exception cref="InvalidOperationException">
    /// The schedule gives this epoch a factor that is not positive and finite, or every weight of the network is zero
    /// (it was never initialised).
    /// </exception>
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
        _divergence = null;
        ResetBatchStatisticsTeam();
        _batchCompleted = batchCompleted;
        _batchReport = batchReport;
        _cancellation = cancellationToken;
        _stoppedAfter = 0;
        _stopRequested = false;
        Optimizer.PrepareState(TNet.ParameterCount);
        foreach (float[] gradients in _gradients)
        {
            // Workers clear their buffers after each batch; this covers an epoch that an exception cut short.
            Array.Clear(gradients);
        }

        // The parameters may have changed since the last epoch (a checkpoint, the caller's own edits).
        foreach (TNet replica in _replicas)
        {
            if (!ReferenceEquals(replica, Network))
            {
                Network.Parameters.CopyTo(replica.Parameters);
            }
        }

        var barrier = new SpinBarrier(workers);
        var threads = new Thread[workers - 1];
        for (int t = 1; t < workers; t++)
        {
            int worker = t;
            threads[t - 1] = new Thread(() => RunWorker(worker, epoch, barrier))
            {
                IsBackground = true,
                Name = $"LeNet trainer {worker}",
            };
            threads[t - 1].Start();
        }

        try
        {
            RunWorker(0, epoch, barrier);
        }
        finally
        {
            foreach (Thread thread in threads)
            {
                thread.Join();
            }

            _data = null;
            _batchCompleted = null;
            _batchReport = null;
        }

        Exception? failure = _failure;
        if (_divergence is not null)
        {
            // After every worker has stopped: the diverged batch's running statistics are undone too.
            RestoreRunningStatistics();
            throw _divergence;
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"Training failed in epoch {epoch + 1}: {failure.Message}", failure);
        }

        if (_stoppedAfter > 0 && rollBackWhenCancelled)
        {
            RestoreEpochStart();
            throw new OperationCanceledException($"Training was cancelled in epoch {epoch + 1}; the epoch was rolled back.", cancellationToken);
        }

        if (_stoppedAfter > 0)
        {
            throw new OperationCanceledException($"Training stopped in epoch {epoch + 1} after {_stoppedAfter} of {data.Count} examples.", cancellationToken);
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

    /// <summary>
    /// One worker's epoch. Every worker walks the same batches; per batch it back-propagates its contiguous share of the
    /// examples; after a barrier it sums one slice of the parameters' gradients over all workers in worker order and
    /// checks it; after a second barrier (so that a non-finite gradient anywhere keeps the whole step from happening) it
    /// steps the optimizer on its slice of its own parameters and clears its gradient buffer; after a third barrier it
    /// copies the other workers' stepped slices into its parameters. A failure is recorded before a barrier and read
    /// after it, and the divergence checks read only what every worker sees, so all workers stop at the same point.
    /// </summary>
    private void RunWorker(int worker, int epoch, SpinBarrier barrier)
    {
        // The loss gradients on this thread read the label smoothing (GeneratedCodeSupport.CrossEntropyGradient).
        using var smoothing = new LabelSmoothingScope(Options.LabelSmoothing);
        int count = _data!.Count;
        for (int batchStart = 0; batchStart < count; batchStart += Options.BatchSize)
        {
            int batchCount = Math.Min(Options.BatchSize, count - batchStart);
            int batch = (batchStart / Options.BatchSize) + 1;
            if (!Run(Phase.Shard, worker, batchStart, batchCount, barrier))
            {
                return;
            }

            double batchLoss = 0;
            foreach (double loss in _workerBatchLoss)
            {
                batchLoss += loss;
            }

            if (worker == 0)
            {
                // Every worker's loss so far is final here and nobody adds to it before the step's barrier.
                _runningLoss = RunningLoss();
            }

            if (!double.IsFinite(batchLoss))
            {
                Diverged(worker, epoch, batch, string.Create(CultureInfo.InvariantCulture, $"the batch's mean loss is {batchLoss / batchCount}"));
                return;
            }

            if (!Run(Phase.Sum, worker, batchStart, batchCount, barrier))
            {
                return;
            }

            int bad = FirstBadIndex(_workerBadGradient);
            if (bad >= 0)
            {
                Diverged(worker, epoch, batch, $"the gradient of parameter {bad} is {_batchGradient[bad]}");
                return;
            }

            if (!Run(Phase.Step, worker, batchStart, batchCount, barrier))
            {
                return;
            }

            if (worker == 0)
            {
                // The others read the step count again only after the next batch's first barrier.
                Optimizer.CompleteUpdate();
            }

            bad = FirstBadIndex(_workerBadParameter);
            if (bad >= 0)
            {
                // The value as the step left it, recorded by the worker that owns it (which may already have restored it).
                float value = _workerBadValue[Array.IndexOf(_workerBadParameter, bad)];
                // Network's other slices are still the ones before the step: worker 0 has not copied them yet.
                (int from, int to) = SliceOf(worker);
                _parametersBeforeUpdate.AsSpan(from, to - from).CopyTo(_replicas[worker].Parameters.Slice(from, to - from));
                Diverged(worker, epoch, batch, $"the update made parameter {bad} {value} (the optimizer's step and state include this update)");
                return;
            }

            CopyOtherSlices(worker);
            if (worker == 0 && _batchCompleted is not null)
            {
                _batchCompleted(new BatchProgress(epoch + 1, batchStart + batchCount, count, _runningLoss / (batchStart + batchCount)));
            }

            if (worker == 0 && _batchReport is not null)
            {
                int batches = (count + Options.BatchSize - 1) / Options.BatchSize;
                _batchReport.Report(new BatchReport(epoch + 1, batch, batches, batchCount, batchLoss / batchCount, _learningRate));
            }

            // Worker 0 read the token before the step's barrier, so every worker stops after the same batch.
            if (_stopRequested)
            {
                if (worker == 0)
                {
                    _stoppedAfter = batchStart + batchCount;
                }

                return;
            }
        }
    }

    /// <summary>The three phases of a batch.</summary>
    private enum Phase
    {
        Shard,
        Sum,
        Step,
    }

    /// <summary>Runs one phase (no delegate: nothing is allocated per batch), records its exception, waits for the other workers; false when some worker failed.</summary>
    private bool Run(Phase phase, int worker, int batchStart, int batchCount, SpinBarrier barrier)
    {
        long[]? ticks = PhaseTicks;
        long started = ticks is null ? 0 : Stopwatch.GetTimestamp();
        try
        {
            switch (phase)
            {
                case Phase.Shard:
                    RunShard(worker, batchStart, batchCount);
                    break;
                case Phase.Sum:
                    SumSlice(worker, batchCount);
                    break;
                default:
                    if (worker == 0)
                    {
                        _stopRequested = _cancellation.IsCancellationRequested && batchStart + batchCount < _data!.Count;
                    }

                    StepSlice(worker);
                    break;
            }
        }
        catch (Exception error)
        {
            Interlocked.CompareExchange(ref _failure, error, null);
        }

        long worked = ticks is null ? 0 : Stopwatch.GetTimestamp();
        if (Options.Threads > 1)
        {
            barrier.SignalAndWait();
        }

        if (ticks is not null)
        {
            int slot = worker * PhaseStride;
            if (phase != Phase.Shard)
            {
                // RunShard splits its own time; the sum and the step are one slot each.
                ticks[slot + (phase == Phase.Sum ? (int)TrainerPhase.Sum : (int)TrainerPhase.Step)] += worked - started;
            }

            ticks[slot + (phase == Phase.Shard ? (int)TrainerPhase.ShardWait : phase == Phase.Sum ? (int)TrainerPhase.SumWait : (int)TrainerPhase.StepWait)] +=
                Stopwatch.GetTimestamp() - worked;
        }

        return Volatile.Read(ref _failure) is null;
    }

    /// <summary>Worker 0 records the divergence; every worker has seen the same facts and stops too.</summary>
    private void Diverged(int worker, int epoch, int batch, string what)
    {
        if (worker == 0)
        {
            _divergence = new TrainingDivergedException(epoch + 1, batch, what);
        }
    }

    /// <summary>The lowest index any worker reported as non-finite, or -1.</summary>
    private static int FirstBadIndex(int[] reports)
    {
        int first = -1;
        foreach (int bad in reports)
        {
            if (bad >= 0 && (first < 0 || bad < first))
            {
                first = bad;
            }
        }

        return first;
    }

    /// <summary>Worker <paramref name="worker"/>'s slice of the parameters; slices start on 64-byte boundaries, so two workers never share a cache line.</summary>
    private (int From, int To) SliceOf(int worker)
    {
        int workers = Options.Threads;
        int from = (int)((long)TNet.ParameterCount * worker / workers) & ~15;
        int to = worker == workers - 1 ? TNet.ParameterCount : (int)((long)TNet.ParameterCount * (worker + 1) / workers) & ~15;
        return (from, Math.Max(from, to));
    }

    /// <summary>Back-propagates worker <paramref name="worker"/>'s contiguous share of a batch into its cleared gradient buffer.</summary>
    private void RunShard(int worker, int batchStart, int batchCount)
    {
        Dataset data = _data!;
        int workers = Options.Threads;
        int from = batchStart + (int)((long)batchCount * worker / workers);
        int to = batchStart + (int)((long)batchCount * (worker + 1) / workers);
        float[] gradients = _gradients[worker];
        TNet network = _replicas[worker];
        Span<float> workspace = _workspaces[worker].AsSpan(_workspaceOrigins[worker]);
        double loss = 0;
        int correct = 0;
        if (_batchNorm is not null)
        {
            RunBatchNormShard(worker, batchStart, batchCount);
            return;
        }

        long[]? ticks = PhaseTicks;
        long started = ticks is null ? 0 : Stopwatch.GetTimestamp();
        if (_batched is not null)
        {
            int count = to - from;
            Span<float> inputs = _shardInputs[worker].AsSpan(0, count * TNet.InputLength);
            Span<int> labels = _shardLabels[worker].AsSpan(0, count);
            Span<float> outputs = _shardOutputs[worker].AsSpan(0, count * TNet.OutputLength);
            Gather(worker, from, inputs, labels);
            long gathered = ticks is null ? 0 : Stopwatch.GetTimestamp();
            loss = ((IBatchBackward)network).BackwardBatch(inputs, labels, gradients, outputs, workspace);
            long computed = ticks is null ? 0 : Stopwatch.GetTimestamp();
            correct = CountCorrect(outputs, labels);
            _workerLoss[worker] += loss;
            _workerBatchLoss[worker] = loss;
            _workerCorrect[worker] += correct;
            if (ticks is not null)
            {
                int slot = worker * PhaseStride;
                ticks[slot + (int)TrainerPhase.Gather] += gathered - started;
                ticks[slot + (int)TrainerPhase.Kernels] += computed - gathered;
                ticks[slot + (int)TrainerPhase.Classify] += Stopwatch.GetTimestamp() - computed;
            }

            return;
        }

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

            // The masks of example `index` in this epoch come from (seed, epoch, index) alone, whatever the thread count.
            loss += _dropout is null
                ? network.Backward(input, label, gradients, workspace)
                : ((IDropoutNetwork)network).Backward(input, label, gradients, workspace, new DropoutKey(Options.Seed, _epoch, index));
            if (s_classOf(workspace.Slice(TNet.OutputOffset, TNet.OutputLength)) == label)
            {
                correct++;
            }
        }

        _workerLoss[worker] += loss;
        _workerBatchLoss[worker] = loss;
        _workerCorrect[worker] += correct;
        if (ticks is not null)
        {
            ticks[(worker * PhaseStride) + (int)TrainerPhase.Kernels] += Stopwatch.GetTimestamp() - started;
        }
    }

    /// <summary>
    /// Copies the examples at <c>_order[first..]</c> into <paramref name="inputs"/> (augmented by this worker's augmenter
    /// when augmentation is on) and their labels into <paramref name="labels"/>, one per label slot.
    /// </summary>
    private void Gather(int worker, int first, Span<float> inputs, Span<int> labels)
    {
        Dataset data = _data!;
        for (int i = 0; i < labels.Length; i++)
        {
            int index = _order[first + i];
            Span<float> input = inputs.Slice(i * TNet.InputLength, TNet.InputLength);
            if (_augmenters is not null)
            {
                _augmenters[worker].Apply(data.Input(index), input, Options.Seed, _epoch, index);
            }
            else
            {
                data.Input(index).CopyTo(input);
            }

            labels[i] = data.Label(index);
        }
    }

    /// <summary>How many of the outputs, back to back, the generated ClassOf gives their label.</summary>
    private static int CountCorrect(ReadOnlySpan<float> outputs, ReadOnlySpan<int> labels)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (s_classOf(outputs.Slice(i * TNet.OutputLength, TNet.OutputLength)) == labels[i])
            {
                correct++;
            }
        }

        return correct;
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
    /// Worker <paramref name="worker"/>'s slice of the gradient: sums the workers' buffers in worker order, averages over
    /// the batch, adds weight decay, and reports the first non-finite value. Each element goes through the same
    /// operations as in one serial pass, so the bits do not depend on the slicing. Of the buffers only the worker's own
    /// slice of its own buffer is cleared here; the rest of its buffer waits for the step, so no core writes lines that
    /// another core's kernels write next.
    /// </summary>
    private void SumSlice(int worker, int batchCount)
    {
        (int from, int to) = SliceOf(worker);
        _workerBadGradient[worker] = -1;
        if (to == from)
        {
            return;
        }

        // One pass per run of weights or biases in the slice: sum, average and decay together.
        float scale = 1f / batchCount;
        ReadOnlySpan<float> parameters = _replicas[worker].Parameters;
        int at = from;
        while (at < to)
        {
            (int end, bool decays) = RunAt(at, to);
            SumRun(worker, parameters, at, end, scale, decays ? Options.WeightDecay : 0f);
            at = end;
        }

        int bad = Checkpoint.IndexOfNonFinite(_batchGradient.AsSpan(from, to - from));
        _workerBadGradient[worker] = bad < 0 ? -1 : from + bad;
    }

    /// <summary>Where the run of parameters that starts at <paramref name="at"/> ends (at most <paramref name="to"/>), and whether it is a layer's weights (decayed).</summary>
    private static (int End, bool Weights) RunAt(int at, int to)
    {
        int end = to;
        foreach (LayerInfo layer in TNet.Layers)
        {
            int weightEnd = layer.WeightOffset + layer.WeightLength;
            if (layer.WeightLength > 0 && at >= layer.WeightOffset && at < weightEnd)
            {
                return (Math.Min(weightEnd, to), true);
            }

            // Not in a weight run: it ends where the next weights begin.
            if (layer.WeightLength > 0 && layer.WeightOffset > at)
            {
                end = Math.Min(end, layer.WeightOffset);
            }
        }

        return (end, false);
    }

    /// <summary>
    /// g = (Σ over workers in worker order) · scale + decay · parameter over [from, to): per element the operations of
    /// the separate passes this replaces, in one read of each buffer. Worker <paramref name="worker"/>'s own buffer is
    /// cleared here as it is read; the rest of it, which the other workers read, waits for the step.
    /// </summary>
    private void SumRun(int worker, ReadOnlySpan<float> allParameters, int from, int to, float scale, float decay)
    {
        float[][] buffers = _gradients;
        Span<float> sum = _batchGradient.AsSpan(from, to - from);
        ReadOnlySpan<float> parameters = allParameters.Slice(from, to - from);
        int length = to - from;
        // Weights so small that their decay term is subnormal (dead units' weights shrink there) decay by zero instead:
        // a subnormal product costs a microcode assist, and adds nothing to a normal gradient.
        uint decayFloor = decay > 0 ? SubnormalFlush.FloorBits(SubnormalFlush.SmallestNormal / decay) : 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scales = new Vector<float>(scale);
            var decays = new Vector<float>(decay);
            var decayFloors = new Vector<uint>(decayFloor);
            for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var total = new Vector<float>(buffers[0].AsSpan(from + i, Vector<float>.Count));
                for (int t = 1; t < buffers.Length; t++)
                {
                    total += new Vector<float>(buffers[t].AsSpan(from + i, Vector<float>.Count));
                }

                Vector<float>.Zero.CopyTo(buffers[worker].AsSpan(from + i, Vector<float>.Count));

                total *= scales;
                if (decay > 0)
                {
                    // Multiply, then add (not fused), as the separate TensorPrimitives passes did.
                    total = (SubnormalFlush.ZeroBelow(new Vector<float>(parameters.Slice(i)), decayFloors) * decays) + total;
                }

                total.CopyTo(sum.Slice(i));
            }
        }

        for (; i < length; i++)
        {
            float total = buffers[0][from + i];
            for (int t = 1; t < buffers.Length; t++)
            {
                total += buffers[t][from + i];
            }

            buffers[worker][from + i] = 0;

            total *= scale;
            if (decay > 0)
            {
                total = (SubnormalFlush.ZeroBelow(parameters[i], decayFloor) * decay) + total;
            }

            sum[i] = total;
        }
    }

    /// <summary>
    /// Worker <paramref name="worker"/>'s slice of the optimizer step on its own parameters, keeping them as they were so
    /// a step that makes one non-finite can be undone; reports the first non-finite parameter. First clears the rest of
    /// the worker's gradient buffer for the next batch (its own slice was cleared in the sum): every worker has summed
    /// its slice of it by now.
    /// </summary>
    private void StepSlice(int worker)
    {
        (int from, int to) = SliceOf(worker);
        _gradients[worker].AsSpan(0, from).Clear();
        _gradients[worker].AsSpan(to).Clear();

        _workerBadParameter[worker] = -1;
        if (to == from)
        {
            return;
        }

        Span<float> parameters = _replicas[worker].Parameters.Slice(from, to - from);
        parameters.CopyTo(_parametersBeforeUpdate.AsSpan(from, to - from));
        Optimizer.UpdateRange(parameters, _batchGradient.AsSpan(from, to - from), _learningRate, from);
        int bad = Checkpoint.IndexOfNonFinite(parameters);
        _workerBadParameter[worker] = bad < 0 ? -1 : from + bad;
        _workerBadValue[worker] = bad < 0 ? 0 : parameters[bad];
    }

    /// <summary>
    /// Copies the slices the other workers have just stepped from their parameters into worker <paramref name="worker"/>'s
    /// (nothing where they share one array). Safe without a barrier after it: another worker writes its slice again only
    /// in the next batch's step, after the next batch's first barrier, which this worker reaches once it has copied.
    /// </summary>
    private void CopyOtherSlices(int worker)
    {
        long[]? ticks = PhaseTicks;
        long started = ticks is null ? 0 : Stopwatch.GetTimestamp();
        TNet own = _replicas[worker];
        for (int t = 0; t < _replicas.Length; t++)
        {
            if (ReferenceEquals(_replicas[t], own))
            {
                continue;
            }

            (int from, int to) = SliceOf(t);
            _replicas[t].Parameters.Slice(from, to - from).CopyTo(own.Parameters.Slice(from, to - from));
        }

        if (ticks is not null)
        {
            ticks[(worker * PhaseStride) + (int)TrainerPhase.Exchange] += Stopwatch.GetTimestamp() - started;
        }
    }

    /// <summary>A worker's private copy of <paramref name="network"/>'s type, or the network itself where the type cannot be created.</summary>
    private static TNet CreateReplica(TNet network)
    {
        try
        {
            return TNet.Create();
        }
        catch (NotSupportedException)
        {
            // No parameterless constructor: the workers share the network's parameters (slower, same bits).
            return network;
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
