namespace LeNet.Generator.Tests;
