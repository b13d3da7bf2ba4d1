namespace LeNet.Tests;
