using System;
using System.ComponentModel;
using System.Threading.Tasks;

namespace LeNet;

/// <summary>Runs a span kernel over many images on several threads. Public only so generated code can call it.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchRunner
{
    /// <summary>A kernel over a contiguous run of images: inputs and outputs back to back.</summary>
    public delegate void ImageRange<TState>(TState state, ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// Checks the lengths, then runs <paramref name="kernel"/> over all images: on the calling thread when
    /// <paramref name="threads"/> is 1 (allocating nothing), else on up to <paramref name="threads"/> threads, each
    /// taking a contiguous run of whole <paramref name="granularity"/>-image blocks. Every image's result is the same
    /// whatever the thread count, as long as the kernel computes each image independently.
    /// </summary>
    /// <returns>The number of images.</returns>
    /// <exception cref="ArgumentException">The inputs are not whole images, or the outputs are not one per image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is not positive.</exception>
    public static int Run<TState>(
        ReadOnlySpan<float> inputs, int inputLength, Span<float> outputs, int outputLength, int threads, int granularity, TState state, ImageRange<TState> kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(granularity);
        if (inputs.Length % inputLength != 0)
        {
            throw new ArgumentException($"Expected inputs of whole images, a multiple of {inputLength} floats, got {inputs.Length}.", nameof(inputs));
        }

        int count = inputs.Length / inputLength;
        if ((long)outputs.Length != (long)count * outputLength)
        {
            throw new ArgumentException($"Expected outputs of {(long)count * outputLength} floats ({count} images x {outputLength}) for inputs of {inputs.Length} floats, got {outputs.Length}.", nameof(outputs));
        }

        int blocks = (count + granularity - 1) / granularity;
        int workers = Math.Min(threads, blocks);
        if (workers <= 1)
        {
            if (count > 0)
            {
                kernel(state, inputs, outputs);
            }

            return count;
        }

        RunParallel(inputs, inputLength, outputs, outputLength, count, blocks, workers, granularity, state, kernel);
        return count;
    }

    /// <summary>
    /// The threaded path, apart from <see cref="Run"/> so the one-thread path allocates nothing: the lambda's captured
    /// variables live in an object created when the method that declares them starts.
    /// </summary>
    private static unsafe void RunParallel<TState>(
        ReadOnlySpan<float> inputs, int inputLength, Span<float> outputs, int outputLength, int count, int blocks, int workers, int granularity, TState state, ImageRange<TState> kernel)
    {
        fixed (float* inputStart = inputs)
        fixed (float* outputStart = outputs)
        {
            // The spans stay pinned for the whole parallel loop; workers rebuild their slices from the addresses.
            nint inputAddress = (nint)inputStart, outputAddress = (nint)outputStart;
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
            {
                int from = Math.Min(count, (int)((long)blocks * worker / workers) * granularity);
                int to = Math.Min(count, (int)((long)blocks * (worker + 1) / workers) * granularity);
                if (to > from)
                {
                    var workerInputs = new ReadOnlySpan<float>((float*)inputAddress + ((long)from * inputLength), (to - from) * inputLength);
                    var workerOutputs = new Span<float>((float*)outputAddress + ((long)from * outputLength), (to - from) * outputLength);
                    kernel(state, workerInputs, workerOutputs);
                }
            });
        }
    }
}
