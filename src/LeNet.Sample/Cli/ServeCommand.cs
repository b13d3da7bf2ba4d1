using System;
using System.CommandLine;
using LeNet.Sample.Models;
using LeNet.Sample.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace LeNet.Sample.Cli;

/// <summary><c>serve [--model FILE] [--port N]</c>: a page where a person draws a digit and sees the network's answer.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        Option<string?> model = SampleCli.ModelOption();
        var port = new Option<int>("--port") { Description = "port on 127.0.0.1 (0 picks a free one)", DefaultValueFactory = _ => 5000, CustomParser = r => Parsing.IntegerIn(r, 0, 65535), HelpName = "N" };
        var command = new Command("serve", "Serve a drawing page on 127.0.0.1: draw a digit, see the prediction, the ten probabilities and CONV1's feature maps.")
        {
            model, port,
        };
        command.SetAction(parsed =>
        {
            LeNet5 network = ModelSource.Load(parsed.GetValue(model), "serve");
            WebApplication app = DigitServer.Build(network, parsed.GetValue(port));
            try
            {
                app.Start();
            }
            catch (System.IO.IOException error)
            {
                Console.Error.WriteLine($"Cannot listen on 127.0.0.1:{parsed.GetValue(port)}: {error.Message} Pick another with --port.");
                return SampleCli.Failed;
            }

            Console.WriteLine($"Serving the drawing page on {DigitServer.Address(app)}/ (Ctrl+C to stop)");
            app.WaitForShutdown();
            return 0;
        });
        return command;
    }
}
