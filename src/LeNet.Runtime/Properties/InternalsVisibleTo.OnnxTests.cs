using System.Runtime.CompilerServices;

// The ONNX tests build models the way other exporters (torch.onnx.export) write them with the internal model builder.
[assembly: InternalsVisibleTo("LeNet.Tests")]
