using System;

namespace LeNet.Sample.Cli;

/// <summary>A command-line mistake found before any work starts: the message names the option, what it expected and what came.</summary>
internal sealed class UsageException(string message) : Exception(message);
