using System.Runtime.CompilerServices;

// The runtime tests drive internal seams (e.g. Checkpoint.Serialize, to check the byte layout) without going through files.
[assembly: InternalsVisibleTo("LeNet.Runtime.Tests")]
