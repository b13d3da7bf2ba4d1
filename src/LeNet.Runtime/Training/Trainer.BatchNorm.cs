using System;

namespace LeNet.Training;

public sealed partial class Trainer<TNet>
{
    private float[] _statisticsBeforeBatch = [];
    private BatchStatisticsTeam? _batchStatisticsTeam;

    /// <summary>
    /// A network with batch normalisation trains each mini-batch with every worker on its contiguous share, as a
    /// <see cref="BatchStatisticsTeam"/>: the workers meet at each batch normalisation to sum its statistics over the whole
    /// batch in example order, so the statistics, the running statistics and the γ and β gradients do not depend on the
    /// thread count; the other layers' gradients are summed per worker, as in the plain path. The running statistics are
    /// kept first, so a batch that diverges can be undone (<see cref="RestoreRunningStatistics"/>).
    /// </summary>
    private void RunBatchNormShard(int worker, int batchStart, int batchCount)
    {
        _workerBatchLoss[worker] = 0;
        int workers = Options.Threads;
        int first = (int)((long)batchCount * worker / workers);
        int count = (int)((long)batchCount * (worker + 1) / workers) - first;
        if (worker == 0)
        {
            // Worker 0 alone moves the running statistics, and only after the team's first wait.
            KeepRunningStatistics();
        }

        Span<float> inputs = _shardInputs[worker].AsSpan(0, count * TNet.InputLength);
        Span<int> labels = _shardLabels[worker].AsSpan(0, count);
        Span<float> outputs = _shardOutputs[worker].AsSpan(0, count * TNet.OutputLength);
        BatchStatisticsShard shard = _batchStatisticsTeam is { } team ? new BatchStatisticsShard(team, worker, first, batchCount) : default;
        double loss;
        try
        {
            Gather(worker, batchStart + first, inputs, labels);
            loss = _batchNorm!.BackwardWithBatchStatistics(inputs, labels, _gradients[worker], outputs, _workspaces[worker].AsSpan(_workspaceOrigins[worker]),
                updateRunningStatistics: true, shard);
        }
        catch (BatchStatisticsAbandonedException)
        {
            // Another worker failed and records its own exception before the trainer's barrier: that one is the report.
            return;
        }
        catch
        {
            _batchStatisticsTeam?.Abandon();
            throw;
        }

        int correct = CountCorrect(outputs, labels);
        _workerLoss[worker] += loss;
        _workerBatchLoss[worker] = loss;
        _workerCorrect[worker] += correct;
    }

    /// <summary>Before an epoch's workers start: the team of a batch-norm network, made or made usable again after a failed batch.</summary>
    private void ResetBatchStatisticsTeam()
    {
        if (_batchNorm is null || Options.Threads == 1)
        {
            return;
        }

        _batchStatisticsTeam ??= new BatchStatisticsTeam(Options.Threads, _batchNorm.SharedBatchStatisticsLength(Options.BatchSize));
        _batchStatisticsTeam.Reset();
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
