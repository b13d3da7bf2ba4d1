using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using LeNet.Tests.Shared;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LeNet.Sample.Tests;

/// <summary>
/// <c>serve</c> end to end: the sample serves its page on 127.0.0.1, headless Chromium (driven by Playwright) draws the
/// strokes of MNIST test digits on the canvas with the mouse, and the page's prediction is read back.
/// </summary>
[Collection(TrainedModelCollection.Name)]
public sealed partial class ServeBrowserTests(TrainedModel model, ITestOutputHelper log)
{
    // The flags this machine's Chromium needs as root in a closed network (see the environment notes of the project).
    private static readonly string[] ChromiumFlags =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [BrowserFact]
    public async Task Drawing_mnist_test_digits_on_the_page_shows_their_class()
    {
        Dataset test = Mnist.Load(model.DataDirectory, MnistSplit.Test);
        using Server server = await Server.StartAsync(model.CheckpointPath);
        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.ChromiumPath,
            Headless = true,
            Args = ChromiumFlags,
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 600 } });
        await page.GotoAsync(server.Address);
        Assert.Equal("?", await page.TextContentAsync("#prediction"));

        int right = 0;
        int[] indices = [0, 1, 2, 3, 4, 7, 11, 18];
        string screenshot = Path.Combine(Path.GetTempPath(), "lenet-serve-" + Guid.NewGuid().ToString("N") + ".png");
        foreach (int index in indices)
        {
            await page.ClickAsync("#clear");
            await DrawAsync(page, test, index);
            await page.EvaluateAsync("() => window.lenet.settled()");
            string shown = (await page.TextContentAsync("#prediction"))!.Trim();
            string probability = (await page.TextContentAsync($"#prob-{shown}"))!;
            log.WriteLine($"test digit {index} (a {test.Label(index)}): the page shows {shown} at {probability}");
            if (shown == test.Label(index).ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                right++;
            }

            Assert.Matches(@"^\d+\.\d%$", probability);
        }

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        try
        {
            byte[] png = await File.ReadAllBytesAsync(screenshot);
            Assert.Equal((byte)'P', png[1]);
            Assert.True(png.Length > 10_000, $"screenshot of {png.Length} bytes");
            log.WriteLine($"screenshot: {png.Length:N0} bytes");

            // To look at the page: set LENET_SAMPLE_SCREENSHOTS to a folder and the screenshot is kept there.
            if (Environment.GetEnvironmentVariable("LENET_SAMPLE_SCREENSHOTS") is { Length: > 0 } keep)
            {
                Directory.CreateDirectory(keep);
                File.Copy(screenshot, Path.Combine(keep, "serve.png"), overwrite: true);
            }
        }
        finally
        {
            File.Delete(screenshot);
        }

        Assert.True(right >= indices.Length - 1, $"{right} of {indices.Length} drawn digits recognised");
    }

    [MnistFact]
    public async Task The_api_refuses_a_canvas_whose_size_and_pixels_disagree()
    {
        using Server server = await Server.StartAsync(model.CheckpointPath);
        using var http = new HttpClient();
        using var content = new StringContent("{\"width\":10,\"height\":10,\"pixels\":\"AAAA\"}", Encoding.UTF8, "application/json");
        HttpResponseMessage response = await http.PostAsync(server.Address + "api/predict", content);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains("Expected width x height grey pixels", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Draws the digit the way a hand would cover it: one mouse stroke along each run of ink in each row of the 28x28
    /// digit, scaled to the 280x280 canvas (the page's pen is wider than a row, so the strokes join).
    /// </summary>
    private static async Task DrawAsync(IPage page, Dataset test, int index)
    {
        LocatorBoundingBoxResult box = (await page.Locator("#pad").BoundingBoxAsync())!;
        ReadOnlySpan<float> input = test.Input(index);
        var strokes = new List<(float X0, float X1, float Y)>();
        const int side = 32, scale = 10, border = 2;
        for (int y = 0; y < side; y++)
        {
            int start = -1;
            for (int x = 0; x <= side; x++)
            {
                bool ink = x < side && input[(y * side) + x] > 0.5f;
                if (ink && start < 0)
                {
                    start = x;
                }
                else if (!ink && start >= 0)
                {
                    strokes.Add((box.X + ((start - border + 0.5f) * scale), box.X + ((x - 1 - border + 0.5f) * scale), box.Y + ((y - border + 0.5f) * scale)));
                    start = -1;
                }
            }
        }

        foreach ((float x0, float x1, float y) in strokes)
        {
            await page.Mouse.MoveAsync(x0, y);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(x1 + 0.5f, y, new MouseMoveOptions { Steps = 3 });
            await page.Mouse.UpAsync();
        }
    }

    /// <summary>The sample's <c>serve</c> on a free port, stopped on dispose.</summary>
    private sealed partial class Server : IDisposable
    {
        private readonly Process _process;

        private Server(Process process, string address)
        {
            _process = process;
            Address = address;
        }

        public string Address { get; }

        public static async Task<Server> StartAsync(string model)
        {
            Process process = Process.Start(SampleProcess.StartInfo(["serve", "--model", model, "--port", "0"]))!;
            string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Match match = AddressPattern().Match(line ?? "");
            if (!match.Success)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"serve did not print its address: '{line}' {await process.StandardError.ReadToEndAsync()}");
            }

            return new Server(process, match.Groups[1].Value);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        [GeneratedRegex(@"on (http://127\.0\.0\.1:\d+/)")]
        private static partial Regex AddressPattern();
    }
}
