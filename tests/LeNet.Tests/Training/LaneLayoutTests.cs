using System;
using System.Runtime.InteropServices;
using Xunit;

namespace LeNet.Tests.Training;

/// <summary>
/// The batched kernels' layout helpers: ToLanes and FromLanes transpose whole 16-image tiles in registers and the rest
/// element by element, and must move every float to exactly the place the definition gives; workspaces start on a
/// cache line.
/// </summary>
public sealed class LaneLayoutTests
{
    [Theory]
    [InlineData(16, 1024)] // LeNet-5's input: whole tiles only
    [InlineData(16, 84)] // five tiles and a tail of 4
    [InlineData(16, 10)] // a tail only
    [InlineData(7, 400)] // a partial block: element by element, missing lanes zero
    [InlineData(1, 33)]
    public void ToLanes_puts_pixel_i_of_image_k_at_i_times_16_plus_k(int count, int length)
    {
        float[] images = Numbered(count * length);
        var lanes = new float[length * BatchKernels.Lanes];
        Array.Fill(lanes, float.NaN);

        BatchKernels.ToLanes(images, count, length, lanes);

        for (int i = 0; i < length; i++)
        {
            for (int k = 0; k < BatchKernels.Lanes; k++)
            {
                float expected = k < count ? images[(k * length) + i] : 0f;
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(lanes[(i * BatchKernels.Lanes) + k]),
                    $"pixel {i} of image {k}: expected {expected}, got {lanes[(i * BatchKernels.Lanes) + k]}");
            }
        }
    }

    [Theory]
    [InlineData(16, 1024)]
    [InlineData(16, 120)]
    [InlineData(16, 10)]
    [InlineData(5, 84)]
    public void FromLanes_inverts_ToLanes_for_the_images_present(int count, int length)
    {
        float[] images = Numbered(count * length);
        var lanes = new float[length * BatchKernels.Lanes];
        var back = new float[count * length];

        BatchKernels.ToLanes(images, count, length, lanes);
        BatchKernels.FromLanes(lanes, count, length, back);

        Assert.Equal(images, back);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(360_736)]
    public void AllocateAligned_starts_on_a_64_byte_line_with_room_for_the_length(int length)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            float[] array = BatchKernels.AllocateAligned(length, out int origin);
            Assert.InRange(origin, 0, 15);
            Assert.True(array.Length - origin >= length, $"{array.Length - origin} floats from the origin, expected at least {length}");
            Assert.Equal(0, AddressOf(array, origin) % 64);
        }
    }

    /// <summary>Distinct values, none zero, so a float in the wrong place or a missed one shows.</summary>
    private static float[] Numbered(int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = i + 1;
        }

        return values;
    }

    private static long AddressOf(float[] array, int index)
    {
        GCHandle handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            return (long)handle.AddrOfPinnedObject() + (index * sizeof(float));
        }
        finally
        {
            handle.Free();
        }
    }
}
