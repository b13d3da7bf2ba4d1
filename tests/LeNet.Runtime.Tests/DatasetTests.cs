using System;
using Xunit;

namespace LeNet.Runtime.Tests;

public sealed class DatasetTests
{
    private static Dataset Sample() => new([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32], [3, 1, 4, 1], inputLength: 3);

    [Fact]
    public void Exposes_inputs_and_labels_by_record()
    {
        Dataset data = Sample();

        Assert.Equal(4, data.Count);
        Assert.Equal(3, data.InputLength);
        Assert.Equal(new float[] { 20, 21, 22 }, data.Input(2).ToArray());
        Assert.Equal(4, data.Label(2));
        Assert.Equal(new[] { 3, 1, 4, 1 }, data.Labels.ToArray());
        Assert.Equal(12, data.Inputs.Length);
    }

    [Fact]
    public void Jagged_constructor_flattens_in_order()
    {
        var data = new Dataset([[1f, 2f], [3f, 4f], [5f, 6f]], [0, 1, 0]);

        Assert.Equal(3, data.Count);
        Assert.Equal(2, data.InputLength);
        Assert.Equal(new float[] { 1, 2, 3, 4, 5, 6 }, data.Inputs.ToArray());
    }

    [Fact]
    public void Constructors_copy_the_arrays()
    {
        float[] inputs = [1, 2];
        int[] labels = [5];
        var data = new Dataset(inputs, labels, 2);

        inputs[0] = 99;
        labels[0] = 7;

        Assert.Equal(1, data.Input(0)[0]);
        Assert.Equal(5, data.Label(0));
    }

    [Fact]
    public void Length_mismatch_names_expected_and_actual()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[10], new int[4], inputLength: 3));

        Assert.Contains("Expected 4 labels x 3 floats = 12 input values, got 10", e.Message);
        Assert.Equal("inputs", e.ParamName);
    }

    [Fact]
    public void Ragged_jagged_inputs_name_the_record()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset([[1f, 2f], [3f]], [0, 1]));

        Assert.Contains("Expected every input to have 2 floats (as input 0 does), input 1 has 1", e.Message);
    }

    [Fact]
    public void Jagged_count_mismatch_names_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset([[1f], [2f]], [0, 1, 2]));

        Assert.Contains("Expected one input per label (3), got 2 inputs", e.Message);
    }

    [Fact]
    public void Rejects_non_finite_inputs_and_negative_labels()
    {
        var nan = Assert.Throws<ArgumentException>(() => new Dataset([0, 1, float.NaN, 3], [0, 0], 2));
        Assert.Contains("record 1 has NaN at position 0", nan.Message);

        var negative = Assert.Throws<ArgumentException>(() => new Dataset([0, 1], [0, -2], 1));
        Assert.Contains("label 1 is -2", negative.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([], [], 0));
    }

    [Fact]
    public void Slices_are_views_with_their_own_indices()
    {
        Dataset data = Sample();

        Dataset middle = data.Slice(1, 2);
        Assert.Equal(2, middle.Count);
        Assert.Equal(new float[] { 10, 11, 12 }, middle.Input(0).ToArray());
        Assert.Equal(4, middle.Label(1));
        Assert.Equal(new float[] { 10, 11, 12, 20, 21, 22 }, middle.Inputs.ToArray());

        Dataset nested = middle.Slice(1, 1);
        Assert.Equal(new float[] { 20, 21, 22 }, nested.Input(0).ToArray());

        Assert.Equal(new[] { 3, 1 }, data.Take(2).Labels.ToArray());
        Assert.Equal(4, data.Take(100).Count);
        Assert.Equal(new[] { 4, 1 }, data.Skip(2).Labels.ToArray());
        Assert.Equal(0, data.Skip(100).Count);
        Assert.Equal(0, data.Slice(4, 0).Count);
    }

    [Fact]
    public void Indices_and_ranges_are_checked()
    {
        Dataset middle = Sample().Slice(1, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => middle.Input(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => middle.Label(-1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => middle.Slice(1, 2));
        Assert.Contains("within the 2 records, got start 1 and count 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => middle.Take(-1));
    }
}
