using System;
using System.Collections.Generic;
using System.Threading;

namespace LeNet.Training;

/// <summary>Fit: epochs with validation, progress, cancellation, early stopping and the best weights.</summary>
public sealed partial class Trainer<TNet>
{
    private float[] _startParameters = [];
    private float[][] _startState = [];
    private long _startStep;
    private int _startEpochs;
    private float[] _bestParameters = [];

    /// <summary>
    /// Trains until <see cref="CompletedEpochs"/> reaches <see cref="FitOptions.Epochs"/>, evaluating
    /// <see cref="FitOptions.Validation"/> after every epoch; stops early after <see cref="FitOptions.Patience"/> epochs
    /// without improvement and then (or at the end) puts back the best epoch's parameters when
    /// <see cref="FitOptions.RestoreBestWeights"/> is set. Progress goes to the callbacks of <paramref name="options"/>.
    /// </summary>
    /// <param name="train">The training examples.</param>
    /// <param name="options">Epochs, validation, early stopping and callbacks; the defaults when null.</param>
    /// <param name="cancellationToken">
    /// Stops between batches; the interrupted epoch is rolled back, so the trainer is as it was after the last
    /// completed epoch (ready for <see cref="SaveCheckpoint"/>), and <see cref="OperationCanceledException"/> is thrown.
    /// </param>
    /// <exception cref="ArgumentException">The data do not fit the network, or an option is out of range.</exception>
    /// <exception cref="InvalidOperationException">Every weight of the network is zero (it was never initialised).</exception>
    /// <exception cref="OperationCanceledException">Cancellation was requested.</exception>
    public FitResult Fit(Dataset train, FitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        options ??= new FitOptions();
        options.Validate();
        if (options.Validation is { } validation && validation.InputLength != TNet.InputLength)
        {
            throw new ArgumentException("Validation set: " + InputLengthMessage.For(typeof(TNet).Name, TNet.InputLength, validation.InputLength), nameof(options));
        }

        PlannedEpochs = options.Epochs;
        var history = new List<FitEpochReport>();
        int bestEpoch = 0;
        Evaluation? best = null;
        int sinceBest = 0;
        bool stoppedEarly = false;
        bool keepBest = options.Validation is not null && options.RestoreBestWeights;
        while (CompletedEpochs < options.Epochs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            EpochReport report = TrainEpochCore(train, null, options.BatchProgress, cancellationToken, rollBackWhenCancelled: true);
            Evaluation? evaluation = options.Validation is null ? null : Evaluate(options.Validation);
            bool improved = evaluation is not null && (best is null || Improves(evaluation, best, options));
            if (improved)
            {
                best = evaluation;
                bestEpoch = report.Epoch;
                sinceBest = 0;
                if (keepBest)
                {
                    KeepBestParameters();
                }
            }
            else if (evaluation is not null)
            {
                sinceBest++;
            }

            var epochReport = new FitEpochReport(report, evaluation, improved, sinceBest);
            history.Add(epochReport);
            options.EpochProgress?.Report(epochReport);
            if (options.Patience is int patience && sinceBest >= patience)
            {
                stoppedEarly = CompletedEpochs < options.Epochs;
                break;
            }
        }

        bool restored = false;
        if (keepBest && bestEpoch != 0 && bestEpoch != CompletedEpochs)
        {
            _bestParameters.CopyTo(Network.Parameters);
            restored = true;
        }

        return new FitResult(history, bestEpoch, best, stoppedEarly, restored);
    }

    private static bool Improves(Evaluation candidate, Evaluation best, FitOptions options) => options.Monitor switch
    {
        ValidationMetric.Accuracy => candidate.Accuracy > best.Accuracy + options.MinDelta,
        _ => candidate.Loss < best.Loss - options.MinDelta,
    };

    private void KeepBestParameters()
    {
        if (_bestParameters.Length != TNet.ParameterCount)
        {
            _bestParameters = new float[TNet.ParameterCount];
        }

        Network.Parameters.CopyTo(_bestParameters);
    }

    /// <summary>Copies parameters, optimizer state and epoch count, so a cancelled epoch can be undone.</summary>
    private void SaveEpochStart()
    {
        if (_startParameters.Length != TNet.ParameterCount)
        {
            _startParameters = new float[TNet.ParameterCount];
        }

        Network.Parameters.CopyTo(_startParameters);
        ReadOnlySpan<float[]> state = Optimizer.State;
        if (_startState.Length != state.Length)
        {
            _startState = new float[state.Length][];
            for (int i = 0; i < state.Length; i++)
            {
                _startState[i] = new float[state[i].Length];
            }
        }

        for (int i = 0; i < state.Length; i++)
        {
            state[i].CopyTo(_startState[i], 0);
        }

        _startStep = Optimizer.Step;
        _startEpochs = CompletedEpochs;
    }

    private void RestoreEpochStart()
    {
        Optimizer.Restore(_startStep, _startState, TNet.ParameterCount);
        _startParameters.CopyTo(Network.Parameters);
        CompletedEpochs = _startEpochs;
    }

    private double SumOfBatchLosses()
    {
        double sum = 0;
        foreach (double loss in _workerBatchLoss)
        {
            sum += loss;
        }

        return sum;
    }

    /// <summary>An all-zero network gives every unit of a layer the same gradient and trains to chance: refuse it.</summary>
    private void RefuseUninitialisedWeights()
    {
        ReadOnlySpan<float> parameters = Network.Parameters;
        foreach (LayerInfo layer in TNet.Layers)
        {
            // A batch normalisation's γ starts at 1 and says nothing about the weights before it.
            if (layer.Kind != LayerType.BatchNorm && parameters.Slice(layer.WeightOffset, layer.WeightLength).ContainsAnyExcept(0f))
            {
                return;
            }
        }

        throw new InvalidOperationException(
            $"Every weight of {typeof(TNet).Name} is zero, so every unit would learn the same thing and training would stay at chance. "
            + $"Initialise the network first, for example Initializer.Initialize(network, seed: {Options.Seed}), or load trained parameters.");
    }
}
