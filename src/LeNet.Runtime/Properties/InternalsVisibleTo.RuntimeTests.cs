using System.Runtime.CompilerServices;

// The runtime tests drive internal seams (e.g. Mnist.DefaultDirectory with its inputs passed in) without touching
// process-wide environment variables.
[assembly: InternalsVisibleTo("LeNet.Runtime.Tests")]
