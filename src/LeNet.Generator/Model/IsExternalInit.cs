// The polyfill must sit in the namespace the compiler looks in, not in one that follows the folder.
#pragma warning disable IDE0130
namespace System.Runtime.CompilerServices;

// netstandard2.0 lacks the marker type that records' init accessors need.
internal static class IsExternalInit
{
}
