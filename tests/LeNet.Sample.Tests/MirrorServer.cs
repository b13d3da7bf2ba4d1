using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace LeNet.Sample.Tests;

/// <summary>
/// An HTTP server on 127.0.0.1 serving files under mirror prefixes (<c>/a/NAME</c>, <c>/b/NAME</c>), honouring Range
/// requests, with faults on demand: a file served corrupted, or cut off half-way (the connection dropped).
/// </summary>
internal sealed class MirrorServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Fault> _faults = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public MirrorServer()
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public enum Fault
    {
        None,
        Corrupted,
        CutOffHalfWay,
        Missing,
    }

    public int Port { get; }

    /// <summary>Every request as "mirror/name range", in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public string Mirror(string name) => $"http://127.0.0.1:{Port}/{name}/";

    public void Add(string mirror, string file, byte[] content, Fault fault = Fault.None)
    {
        _files[$"/{mirror}/{file}"] = content;
        _faults[$"/{mirror}/{file}"] = fault;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener was closed under a pending accept.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Respond(context);
            }
            catch (Exception error) when (error is HttpListenerException or System.IO.IOException or ObjectDisposedException)
            {
                // The client went away: nothing to do.
            }
        }
    }

    private void Respond(HttpListenerContext context)
    {
        string path = context.Request.Url!.AbsolutePath;
        string? range = context.Request.Headers["Range"];
        Requests.Enqueue($"{path} {range ?? "-"}");
        HttpListenerResponse response = context.Response;
        if (!_files.TryGetValue(path, out byte[]? content) || _faults[path] == Fault.Missing)
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }

        Fault fault = _faults[path];
        if (fault == Fault.Corrupted)
        {
            content = (byte[])content.Clone();
            for (int i = content.Length / 3; i < content.Length / 3 + 64; i++)
            {
                content[i] ^= 0x5A;
            }
        }

        long start = 0;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }

        response.ContentType = "application/gzip";
        response.ContentLength64 = content.Length - start;
        if (fault == Fault.CutOffHalfWay)
        {
            // Send the first half, then drop the connection: the client sees a body shorter than its Content-Length.
            int half = (content.Length / 2) - (int)start;
            response.OutputStream.Write(content, (int)start, Math.Max(0, half));
            response.OutputStream.Flush();
            Thread.Sleep(50);
            response.Abort();
            return;
        }

        response.OutputStream.Write(content, (int)start, content.Length - (int)start);
        response.Close();
    }
}
