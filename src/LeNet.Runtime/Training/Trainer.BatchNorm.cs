using System;

namespace LeNet.Training;

public sealed partial class Trainer<TNet>
{
    private float[] _statisticsBeforeBatch = [];

    /// <summary>
    /// A network with batch normalisation trains each mini-batch in one <see cref="IBatchNormNetwork"/> call on worker 0,
    /// since batch statistics need every example of the batch; the other workers add nothing to the gradient. The result
    /// is therefore the same for every thread count. The running statistics are kept first, so a batch that diverges can
    /// be undone (<see cref="RestoreRunningStatistics"/>).
    /// </summary>
    private void RunBatchNormShard(int worker, int batchStart, int batchCount)
    {
        _workerBatchLoss[worker] = 0;
        if (worker != 0)
        {
            return;
        }

        KeepRunningStatistics();
        Span<float> inputs = _shardInputs[0].AsSpan(0, batchCount * TNet.InputLength);
        Span<int> labels = _shardLabels[0].AsSpan(0, batchCount);
        Span<float> outputs = _shardOutputs[0].AsSpan(0, batchCount * TNet.OutputLength);
        Gather(0, batchStart, inputs, labels);
        double loss = _batchNorm!.BackwardWithBatchStatistics(inputs, labels, _gradients[0], outputs, _workspaces[0].AsSpan(_workspaceOrigins[0]), updateRunningStatistics: true);
        int correct = CountCorrect(outputs, labels);
        _workerLoss[0] += loss;
        _workerBatchLoss[0] = loss;
        _workerCorrect[0] += correct;
    }

    /// <summary>Copies every batch normalisation's running statistics aside before a batch changes them.</summary>
    private void KeepRunningStatistics()
    {
        ReadOnlySpan<float> parameters = Network.Parameters;
        int length = 0;
        foreach (LayerInfo layer in TNet.Layers)
        {
            length += layer.StatisticsLength;
        }

        if (_statisticsBeforeBatch.Length != length)
        {
            _statisticsBeforeBatch = new float[length];
        }

        int at = 0;
        foreach (LayerInfo layer in TNet.Layers)
        {
            parameters.Slice(layer.StatisticsOffset, layer.StatisticsLength).CopyTo(_statisticsBeforeBatch.AsSpan(at));
            at += layer.StatisticsLength;
        }
    }

    /// <summary>Puts back the running statistics <see cref="KeepRunningStatistics"/> kept (nothing without batch normalisation).</summary>
    private void RestoreRunningStatistics()
    {
        if (_batchNorm is null || _statisticsBeforeBatch.Length == 0)
        {
            return;
        }

        Span<float> parameters = Network.Parameters;
        int at = 0;
        foreach (LayerInfo layer in TNet.Layers)
        {
            _statisticsBeforeBatch.AsSpan(at, layer.StatisticsLength).CopyTo(parameters.Slice(layer.StatisticsOffset, layer.StatisticsLength));
            at += layer.StatisticsLength;
        }
    }
}
