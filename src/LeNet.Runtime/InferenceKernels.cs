using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LeNet;

/// <summary>
/// Helpers of the generated single-image inference pass (<c>Forward(input, output)</c>) that are the same for every
/// network: the matrix transposes that repack a convolution's weights tap-major and turn its channel-last outputs back
/// into (C,H,W). Public only so generated code can call them; not an API for hand-written code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class InferenceKernels
{
    private const int Block = 16;

    /// <summary>
    /// destination[c * rows + r] = source[r * columns + c]: the (rows, columns) row-major matrix in source, transposed.
    /// With AVX-512 and both sizes at least 16 it moves 16x16 blocks through registers (the last block of a row or column
    /// overlaps the one before it, which writes the same values again); otherwise element by element. Only moves values,
    /// so the bits are those of the source.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">rows or columns is negative.</exception>
    /// <exception cref="ArgumentException">source or destination holds fewer than rows × columns values.</exception>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        long length = (long)rows * columns;
        if (source.Length < length || destination.Length < length)
        {
            throw new ArgumentException(
                $"A {rows} x {columns} transpose needs {length} values in source and destination, got {source.Length} and {destination.Length}.");
        }

        ref float src = ref MemoryMarshal.GetReference(source);
        ref float dst = ref MemoryMarshal.GetReference(destination);
        if (Avx512F.IsSupported && rows >= Block && columns >= Block)
        {
            for (int rowStart = 0; rowStart < rows; rowStart += Block)
            {
                int r = Math.Min(rowStart, rows - Block);
                for (int columnStart = 0; columnStart < columns; columnStart += Block)
                {
                    int c = Math.Min(columnStart, columns - Block);
                    Transpose16(ref Unsafe.Add(ref src, (r * columns) + c), columns, ref Unsafe.Add(ref dst, (c * rows) + r), rows);
                }
            }

            return;
        }

        // Reads strided, writes in order: the store buffer, not the loads, limits a scalar transpose.
        for (int c = 0; c < columns; c++)
        {
            ref float row = ref Unsafe.Add(ref dst, c * rows);
            for (int r = 0; r < rows; r++)
            {
                Unsafe.Add(ref row, r) = Unsafe.Add(ref src, (r * columns) + c);
            }
        }
    }

    /// <summary>
    /// The 16x16 block at src (rows sourceStride apart) transposed into the block at dst (rows destinationStride apart):
    /// pairs of rows interleaved, then pairs of pairs, leaving 4x4 blocks transposed within each 128-bit lane; two rounds
    /// of 128-bit lane shuffles then put the lanes in place.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(ref float src, int sourceStride, ref float dst, int destinationStride)
    {
        Vector512<float> r0 = Row(ref src, 0, sourceStride), r1 = Row(ref src, 1, sourceStride);
        Vector512<float> r2 = Row(ref src, 2, sourceStride), r3 = Row(ref src, 3, sourceStride);
        Vector512<float> r4 = Row(ref src, 4, sourceStride), r5 = Row(ref src, 5, sourceStride);
        Vector512<float> r6 = Row(ref src, 6, sourceStride), r7 = Row(ref src, 7, sourceStride);
        Vector512<float> r8 = Row(ref src, 8, sourceStride), r9 = Row(ref src, 9, sourceStride);
        Vector512<float> r10 = Row(ref src, 10, sourceStride), r11 = Row(ref src, 11, sourceStride);
        Vector512<float> r12 = Row(ref src, 12, sourceStride), r13 = Row(ref src, 13, sourceStride);
        Vector512<float> r14 = Row(ref src, 14, sourceStride), r15 = Row(ref src, 15, sourceStride);

        // t(2i), t(2i+1): rows 2i and 2i+1 interleaved, low and high pairs of each 128-bit lane.
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

        // u(4i+j): its 128-bit lane k holds rows 4i to 4i+3 of column 4k+j.
        Vector512<float> u0 = Avx512F.Shuffle(t0, t2, 0x44), u1 = Avx512F.Shuffle(t0, t2, 0xEE);
        Vector512<float> u2 = Avx512F.Shuffle(t1, t3, 0x44), u3 = Avx512F.Shuffle(t1, t3, 0xEE);
        Vector512<float> u4 = Avx512F.Shuffle(t4, t6, 0x44), u5 = Avx512F.Shuffle(t4, t6, 0xEE);
        Vector512<float> u6 = Avx512F.Shuffle(t5, t7, 0x44), u7 = Avx512F.Shuffle(t5, t7, 0xEE);
        Vector512<float> u8 = Avx512F.Shuffle(t8, t10, 0x44), u9 = Avx512F.Shuffle(t8, t10, 0xEE);
        Vector512<float> u10 = Avx512F.Shuffle(t9, t11, 0x44), u11 = Avx512F.Shuffle(t9, t11, 0xEE);
        Vector512<float> u12 = Avx512F.Shuffle(t12, t14, 0x44), u13 = Avx512F.Shuffle(t12, t14, 0xEE);
        Vector512<float> u14 = Avx512F.Shuffle(t13, t15, 0x44), u15 = Avx512F.Shuffle(t13, t15, 0xEE);

        Columns(u0, u4, u8, u12, ref dst, 0, destinationStride);
        Columns(u1, u5, u9, u13, ref dst, 1, destinationStride);
        Columns(u2, u6, u10, u14, ref dst, 2, destinationStride);
        Columns(u3, u7, u11, u15, ref dst, 3, destinationStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(ref float src, int row, int stride) => Vector512.LoadUnsafe(ref src, (nuint)(row * stride));

    /// <summary>Columns j, 4 + j, 8 + j and 12 + j from the four u vectors whose lane k holds rows 4i..4i+3 of column 4k + j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, ref float dst, int j, int stride)
    {
        // Lanes (a0, a2, b0, b2) and (a1, a3, b1, b3), likewise for c and d; then the even and odd lanes of each pair.
        Vector512<float> ab02 = Avx512F.Shuffle4x128(a, b, 0x88), ab13 = Avx512F.Shuffle4x128(a, b, 0xDD);
        Vector512<float> cd02 = Avx512F.Shuffle4x128(c, d, 0x88), cd13 = Avx512F.Shuffle4x128(c, d, 0xDD);
        Avx512F.Shuffle4x128(ab02, cd02, 0x88).StoreUnsafe(ref dst, (nuint)(j * stride));
        Avx512F.Shuffle4x128(ab13, cd13, 0x88).StoreUnsafe(ref dst, (nuint)((4 + j) * stride));
        Avx512F.Shuffle4x128(ab02, cd02, 0xDD).StoreUnsafe(ref dst, (nuint)((8 + j) * stride));
        Avx512F.Shuffle4x128(ab13, cd13, 0xDD).StoreUnsafe(ref dst, (nuint)((12 + j) * stride));
    }
}
