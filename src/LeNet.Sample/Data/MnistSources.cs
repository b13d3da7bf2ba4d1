using System;
using System.Collections.Generic;

namespace LeNet.Sample.Data;

/// <summary>Where <c>download</c> fetches MNIST and the MD5 each file must have; both replaceable for a private mirror or a test server.</summary>
/// <param name="Mirrors">Base addresses tried in order; a file's address is the base plus its name.</param>
/// <param name="Checksums">The MD5 of each of the four <c>.gz</c> files, lower-case hex, by file name.</param>
internal sealed record MnistSources(IReadOnlyList<Uri> Mirrors, IReadOnlyDictionary<string, string> Checksums)
{
    /// <summary>The public mirrors torchvision uses and the MD5 of the published files (which torchvision also checks).</summary>
    public static MnistSources Default { get; } = new(
        [new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("http://yann.lecun.com/exdb/mnist/")],
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["train-images-idx3-ubyte.gz"] = "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            ["train-labels-idx1-ubyte.gz"] = "d53e105ee54ea40749a09fcbcd1e9432",
            ["t10k-images-idx3-ubyte.gz"] = "9fb629c4189551a2d022fa330f9573f3",
            ["t10k-labels-idx1-ubyte.gz"] = "ec29112dd5afa0611ce80d1b7f02629c",
        });
}
