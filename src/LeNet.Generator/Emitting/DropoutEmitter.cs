namespace LeNet.Generator.Emitting;

/// <summary>
/// A dropout layer's one line in the forward and backward passes. Both call <c>GeneratedCodeSupport.Dropout</c>, which
/// draws the layer's masks from the example's <c>DropoutKey</c> and the layer's position: with the same key the
/// backward pass sees the masks the forward pass used, and with <c>default</c> (inference) it is a copy.
/// </summary>
internal static class DropoutEmitter
{
    public static void Apply(SourceWriter w, Model.LayerShape layer, int position, string source, string destination) =>
        w.Call("GeneratedCodeSupport.Dropout", new[]
        {
            ("source", source), ("destination", destination), ("rate", $"Net.{layer.ClassName}.Rate"), ("key", "dropout"), ("layer", SourceWriter.Int(position)),
        });
}
