using System;

namespace LeNet.Training;

/// <summary>Accuracy and mean loss on a data set.</summary>
public sealed record Evaluation(double Accuracy, double Loss, int Count);
