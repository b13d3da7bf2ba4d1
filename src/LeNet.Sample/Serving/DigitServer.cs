using System;
using System.IO;
using System.Linq;
using LeNet.Sample.Imaging;
using LeNet.Sample.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeNet.Sample.Serving;

/// <summary>
/// The drawing page on 127.0.0.1: Kestrel through <see cref="WebApplication.CreateSlimBuilder()"/>, one static page and
/// one minimal-API endpoint with source-generated JSON, so the same code runs under NativeAOT.
/// </summary>
internal static class DigitServer
{
    /// <summary>Largest canvas accepted, in pixels.</summary>
    public const int MaxPixels = 1024 * 1024;

    public static WebApplication Build(LeNet5 network, int port)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, ServeJsonContext.Default));
        WebApplication app = builder.Build();
        string page = ReadPage();
        app.MapGet("/", () => Results.Text(page, "text/html; charset=utf-8"));
        app.MapPost("/api/predict", (PredictRequest request) => Predict(network, request));
        return app;
    }

    /// <summary>The first address the server listens on, once started (the real port when 0 was asked for).</summary>
    public static string Address(WebApplication app) => app.Urls.First();

    internal static IResult Predict(LeNet5 network, PredictRequest request)
    {
        if (request.Width <= 0 || request.Height <= 0 || (long)request.Width * request.Height > MaxPixels || request.Pixels.Length != request.Width * request.Height)
        {
            return Results.BadRequest(new PredictResponse { Error = $"Expected width x height grey pixels (at most {MaxPixels}), got {request.Width}x{request.Height} and {request.Pixels.Length} pixels." });
        }

        var pixels = new float[request.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = request.Pixels[i] / 255f;
        }

        float[] digit;
        try
        {
            digit = DigitPreprocessor.ToMnist(new GreyImage(request.Width, request.Height, pixels));
        }
        catch (ArgumentException error)
        {
            return Results.BadRequest(new PredictResponse { Class = -1, Error = error.Message });
        }

        (float[] output, float[] maps) = Conv1View.Run(network, DigitPreprocessor.Pad(digit));
        return Results.Ok(new PredictResponse
        {
            Class = System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(output),
            Probabilities = output,
            FeatureMaps = ToBytes(maps, Conv1View.MapSide * Conv1View.MapSide),
            Digit = ToBytes(digit, digit.Length),
        });
    }

    /// <summary>Each block of <paramref name="block"/> values scaled to 0..255 by its own maximum.</summary>
    private static byte[] ToBytes(float[] values, int block)
    {
        var bytes = new byte[values.Length];
        for (int start = 0; start < values.Length; start += block)
        {
            float max = 1e-9f;
            for (int i = start; i < start + block; i++)
            {
                max = Math.Max(max, values[i]);
            }

            for (int i = start; i < start + block; i++)
            {
                bytes[i] = (byte)Math.Clamp((int)MathF.Round(values[i] / max * 255), 0, 255);
            }
        }

        return bytes;
    }

    private static string ReadPage()
    {
        using Stream stream = typeof(DigitServer).Assembly.GetManifestResourceStream("LeNet.Sample.index.html")
            ?? throw new InvalidOperationException("The drawing page is missing from the program's resources.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
