// The benchmarks run the tests' LeNet-5 declarations: the sample's own (src/LeNet.Sample/Networks.cs) and the variants
// of tests/Shared/LeNet5Variants.cs, both compiled into this project. These aliases name them by the unroll depth the
// benchmarks compare (Window is the default, so it is the sample's network itself).
global using LeNet5Window = LeNet.Sample.LeNet5;
global using LeNet5Row = LeNet.Tests.Shared.LeNet5RowUnroll;
global using LeNet5Loops = LeNet.Tests.Shared.LeNet5NoUnroll;
global using LeNet5RgbWindow = LeNet.Sample.LeNet5Rgb;
global using LeNet5RgbRow = LeNet.Tests.Shared.LeNet5RgbRowUnroll;
global using LeNet5RgbLoops = LeNet.Tests.Shared.LeNet5RgbNoUnroll;
