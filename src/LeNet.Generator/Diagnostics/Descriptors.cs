using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace LeNet.Generator.Diagnostics;

/// <summary>
/// Every diagnostic LeNetGen reports. IDs are never reused; each has a page under docs/diagnostics
/// (no help link yet: the repository has no public address to point it at).
/// Message arguments are filled by <c>ShapeChecker</c> and <c>NetworkParser</c>, which name the numbers at fault.
/// </summary>
internal static class Descriptors
{
    private const string Category = "LeNet";

    /// <summary>LENET001: the network type lacks the partial modifier. {0} type name.</summary>
    public static readonly DiagnosticDescriptor NotPartial = Error("LENET001", "Network type must be partial",
        "Network type '{0}' must be a partial class so LeNetGen can add the generated members");

    /// <summary>LENET002: a kernel or pooling window is larger than its (padded) input. {0} layer, {1} what, {2} size, {3} rows, {4} columns, {5} padding note.</summary>
    public static readonly DiagnosticDescriptor WindowDoesNotFit = Error("LENET002", "Window does not fit its input",
        "{0}: {1} {2} does not fit the {3}x{4} input{5}");

    /// <summary>LENET003: no [Input] attribute. {0} type name.</summary>
    public static readonly DiagnosticDescriptor MissingInput = Error("LENET003", "Network declares no input",
        "Network '{0}' must declare [Input(height, width, channels)] as its first layer attribute");

    /// <summary>LENET004: a size that must be positive is not. {0} layer, {1} argument, {2} value.</summary>
    public static readonly DiagnosticDescriptor NotPositive = Error("LENET004", "Size must be positive",
        "{0}: {1} must be positive, got {2}");

    /// <summary>LENET005: padding as large as the kernel. {0} layer, {1} padding, {2} kernel.</summary>
    public static readonly DiagnosticDescriptor PaddingTooLarge = Error("LENET005", "Padding must be smaller than the kernel",
        "{0}: padding {1} must be smaller than the kernel {2}, or whole windows would see only zeros");

    /// <summary>LENET006: softmax on a layer other than the last dense one. {0} layer.</summary>
    public static readonly DiagnosticDescriptor SoftmaxNotLast = Error("LENET006", "Softmax only on the last layer",
        "{0}: Softmax is allowed only on the last layer, and only when that layer is Dense");

    /// <summary>LENET007: layer attributes on more than one partial declaration. {0} type name.</summary>
    public static readonly DiagnosticDescriptor LayersSplit = Error("LENET007", "Layers split over partial declarations",
        "Layer attributes of '{0}' must all stand on one declaration, because their order is the layer order; move this one to the declaration with the others");

    /// <summary>LENET008: generic network type, or one nested in a generic type. {0} type name.</summary>
    public static readonly DiagnosticDescriptor Generic = Error("LENET008", "Network type must not be generic",
        "Network type '{0}' must not be generic, nor nested in a generic type");

    /// <summary>LENET009: a containing type is not partial. {0} network type, {1} containing type.</summary>
    public static readonly DiagnosticDescriptor ContainerNotPartial = Error("LENET009", "Containing type must be partial",
        "Network type '{0}' is nested in '{1}', which must be partial too");

    /// <summary>LENET010: a stride leaves input rows or columns unread. {0} layer, {1} stride, {2} rows, {3} columns, {4} input rows, {5} input columns.</summary>
    public static readonly DiagnosticDescriptor StrideLeavesInputUnused = Warning("LENET010", "Stride leaves input unused",
        "{0}: stride {1} leaves {2} row(s) and {3} column(s) of the {4}x{5} input unused");

    /// <summary>LENET011: activations too large for the stack. {0} type name, {1} bytes, {2} limit.</summary>
    public static readonly DiagnosticDescriptor WorkspaceTooLargeForStack = Warning("LENET011", "Activations too large for the stack",
        "Network '{0}' needs {1} bytes of activations, more than the {2} bytes it may take on the stack; Forward(input, output) is not generated, call Forward(input, output, workspace) with WorkspaceLength floats");

    /// <summary>LENET012: [Input] not first, or more than once. {0} position.</summary>
    public static readonly DiagnosticDescriptor InputNotFirst = Error("LENET012", "Input must be the first layer, once",
        "[Input] must be the first layer attribute and appear only once, but this one is layer attribute {0}");

    /// <summary>LENET013: a spatial layer after a dense one. {0} layer, {1} kind.</summary>
    public static readonly DiagnosticDescriptor SpatialAfterDense = Error("LENET013", "Spatial layer after a dense layer",
        "{0}: a {1} layer needs a (C,H,W) input, but it follows a Dense layer whose output is flat");

    /// <summary>LENET014: negative padding. {0} layer, {1} value.</summary>
    public static readonly DiagnosticDescriptor NegativePadding = Error("LENET014", "Padding must not be negative",
        "{0}: padding must not be negative, got {1}");

    /// <summary>LENET015: nothing after the input. {0} type name.</summary>
    public static readonly DiagnosticDescriptor NoLayers = Error("LENET015", "Network has no layers",
        "Network '{0}' declares no layers after [Input]");

    /// <summary>LENET016: an activation value outside the enum. {0} layer, {1} value.</summary>
    public static readonly DiagnosticDescriptor UnknownActivation = Error("LENET016", "Unknown activation",
        "{0}: {1} is not an Activation value (None, ReLU, Tanh, Sigmoid or Softmax)");

    /// <summary>LENET017: a size overflows 32 bits. {0} layer, {1} what.</summary>
    public static readonly DiagnosticDescriptor TooLarge = Error("LENET017", "Network too large",
        "{0}: the {1} does not fit in a 32-bit count");

    /// <summary>LENET018: an unroll value outside the enum. {0} value.</summary>
    public static readonly DiagnosticDescriptor UnknownUnroll = Error("LENET018", "Unknown unroll setting",
        "{0} is not a KernelUnroll value (None, Row or Window)");

    /// <summary>LENET019: a type that cannot hold the generated instance members. {0} type name, {1} what it is.</summary>
    public static readonly DiagnosticDescriptor UnsupportedType = Error("LENET019", "Network type must be a plain class",
        "Network type '{0}' must be a non-static, non-abstract class, not {1}");

    /// <summary>LENET020: the network type is named like a member generated into it. {0} type name, {1} member, {2} what it is.</summary>
    public static readonly DiagnosticDescriptor NameClash = Error("LENET020", "Network type named like a generated member",
        "Network type '{0}' has the name of {2} '{1}' that LeNetGen generates inside it, which C# forbids (a member may not be named like its type); rename the type");

    /// <summary>LENET021: Weights names no single AdditionalFiles item. {0} type name, {1} the argument, {2} what was found.</summary>
    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error("LENET021", "Weights file not found",
        "{0}: Weights = \"{1}\" must name one AdditionalFiles item ending in .weights; found {2}");

    /// <summary>LENET022: the named file is not a weights file. {0} type name, {1} file, {2} expected, {3} found.</summary>
    public static readonly DiagnosticDescriptor WeightsFileInvalid = Error("LENET022", "Not a weights file",
        "{0}: '{1}' is not a weights file: expected {2}, found {3}");

    /// <summary>LENET023: the weights are of another architecture. {0} type name, {1} file, {2} file's fingerprint, {3} network's.</summary>
    public static readonly DiagnosticDescriptor WeightsFingerprintMismatch = Error("LENET023", "Weights of another architecture",
        "{0}: '{1}' holds weights of architecture {2}; {0} is architecture {3}");

    /// <summary>LENET024: the weights file holds another number of parameters. {0} type name, {1} file, {2} file's count, {3} network's.</summary>
    public static readonly DiagnosticDescriptor WeightsCountMismatch = Error("LENET024", "Weights of another size",
        "{0}: '{1}' holds {2} parameters; {0} has {3}");

    /// <summary>LENET025: the weights file's checksum does not match its bytes. {0} type name, {1} file, {2} stored, {3} computed.</summary>
    public static readonly DiagnosticDescriptor WeightsChecksumMismatch = Error("LENET025", "Weights file corrupted",
        "{0}: '{1}' is corrupted: its stored checksum is {2}, its bytes hash to {3}");

    /// <summary>LENET026: Padding.Same with a stride above 1. {0} layer, {1} stride.</summary>
    public static readonly DiagnosticDescriptor SamePaddingStride = Error("LENET026", "Same padding needs stride 1",
        "{0}: Padding.Same keeps the input size only with stride 1, as PyTorch's padding='same' does, got stride {1}; write the padding of a strided convolution as a number");

    /// <summary>LENET027: Padding.Same with an even kernel. {0} layer, {1} kernel.</summary>
    public static readonly DiagnosticDescriptor SamePaddingEvenKernel = Error("LENET027", "Same padding needs an odd kernel",
        "{0}: Padding.Same needs an odd kernel, got {1}: the padding is the same on every side, so only an odd kernel keeps the size");

    /// <summary>LENET028: a padding value outside the enum. {0} layer, {1} value.</summary>
    public static readonly DiagnosticDescriptor UnknownPadding = Error("LENET028", "Unknown padding rule",
        "{0}: {1} is not a Padding value (Valid or Same)");

    /// <summary>LENET029: a dropout rate outside [0, 1). {0} layer, {1} rate.</summary>
    public static readonly DiagnosticDescriptor DropoutRate = Error("LENET029", "Dropout rate out of range",
        "{0}: the dropout rate must be at least 0 and below 1, got {1}");

    /// <summary>LENET030: dropout directly after the input or as the last layer. {0} layer, {1} where and why.</summary>
    public static readonly DiagnosticDescriptor DropoutPlacement = Error("LENET030", "Dropout must stand between two layers",
        "{0}: Dropout must stand between two layers, not {1}");

    /// <summary>LENET031: a batch normalisation not directly after a convolution or dense layer. {0} layer, {1} what it follows.</summary>
    public static readonly DiagnosticDescriptor BatchNormPlacement = Error("LENET031", "BatchNorm must follow a Conv or Dense layer",
        "{0}: BatchNorm normalises the Conv or Dense layer declared just before it, but this one follows {1}");

    /// <summary>LENET032: the layer a batch normalisation normalises has an activation. {0} layer, {1} the layer before, {2} its activation.</summary>
    public static readonly DiagnosticDescriptor ActivationBeforeBatchNorm = Error("LENET032", "Activation before BatchNorm",
        "{0}: BatchNorm normalises {1} before its activation, as PyTorch's conv, BatchNorm, ReLU order does, but {1} has Activation {2}; write Activation = Activation.{2} on the BatchNorm instead");

    /// <summary>LENET033: momentum outside [0, 1] or epsilon not positive. {0} layer, {1} argument, {2} the rule, {3} value.</summary>
    public static readonly DiagnosticDescriptor BatchNormArgument = Error("LENET033", "BatchNorm argument out of range",
        "{0}: {1} must be {2}, got {3}");

    /// <summary>LENET034: BatchNorm and Dropout in one network. {0} layer.</summary>
    public static readonly DiagnosticDescriptor BatchNormWithDropout = Error("LENET034", "BatchNorm and Dropout in one network",
        "{0}: a network with BatchNorm trains a batch at a time, which does not draw dropout masks yet; remove the Dropout or the BatchNorm layers");

    public static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> ById = Index(
        NotPartial, WindowDoesNotFit, MissingInput, NotPositive, PaddingTooLarge, SoftmaxNotLast, LayersSplit, Generic,
        ContainerNotPartial, StrideLeavesInputUnused, WorkspaceTooLargeForStack, InputNotFirst, SpatialAfterDense,
        NegativePadding, NoLayers, UnknownActivation, TooLarge, UnknownUnroll, UnsupportedType, NameClash,
        WeightsFileNotFound, WeightsFileInvalid, WeightsFingerprintMismatch, WeightsCountMismatch, WeightsChecksumMismatch,
        SamePaddingStride, SamePaddingEvenKernel, UnknownPadding, DropoutRate, DropoutPlacement,
        BatchNormPlacement, ActivationBeforeBatchNorm, BatchNormArgument, BatchNormWithDropout);

    public static bool IsError(string id) => ById[id].DefaultSeverity == DiagnosticSeverity.Error;

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    private static Dictionary<string, DiagnosticDescriptor> Index(params DiagnosticDescriptor[] descriptors)
    {
        var byId = new Dictionary<string, DiagnosticDescriptor>();
        foreach (DiagnosticDescriptor descriptor in descriptors)
        {
            byId.Add(descriptor.Id, descriptor);
        }

        return byId;
    }
}
