namespace LeNet.Training;

/// <summary>What <see cref="Trainer{TNet}.Fit"/> watches on the validation set for early stopping and the best weights.</summary>
public enum ValidationMetric
{
    /// <summary>Mean validation loss; lower is better (Keras' default, <c>val_loss</c>).</summary>
    Loss,

    /// <summary>Validation accuracy; higher is better.</summary>
    Accuracy,
}
