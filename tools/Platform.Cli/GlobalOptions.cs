using System.CommandLine;

namespace Platform.Cli;

/// <summary>The options every command accepts. New instances per parse: System.CommandLine symbols are not shareable across trees.</summary>
internal sealed class GlobalOptions
{
    public const string Table = "table";
    public const string Json = "json";

    public Option<string> Namespace { get; } = new("--namespace", "-n")
    {
        Description = "Namespace to work in [default: $PLATFORM_NAMESPACE, else 'default']",
        HelpName = "NAME",
        Recursive = true,
    };

    public Option<string> Output { get; } = new("--output", "-o")
    {
        Description = "Output format",
        HelpName = "table|json",
        DefaultValueFactory = _ => Table,
        Recursive = true,
    };

    public Option<string> Bus { get; } = new("--bus")
    {
        Description = "RabbitMQ address [default: $PLATFORM_BUS, else amqp://guest:guest@127.0.0.1:5672/]",
        HelpName = "URI",
        Recursive = true,
    };

    public Option<string> BusCa { get; } = new("--bus-ca")
    {
        Description = "For amqps://: PEM file of the CA that signed RabbitMQ's certificate, trusted alone [default: $PLATFORM_BUS_CA, else the system's CAs]",
        HelpName = "FILE",
        Recursive = true,
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the broker and for each reply [default: 30]",
        HelpName = "SECONDS",
        Recursive = true,
    };

    public GlobalOptions()
    {
        Output.AcceptOnlyFromAmong(Table, Json);
        Bus.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps" or "rabbitmq"))
                result.AddError($"--bus \"{value}\" is not an amqp:// or amqps:// URI");
        });
        Timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is not (> 0 and <= int.MaxValue / 1000))
                result.AddError("--timeout must be a positive number of seconds");
        });
    }

    public void AddTo(Command root)
    {
        root.Options.Add(Namespace);
        root.Options.Add(Output);
        root.Options.Add(Bus);
        root.Options.Add(BusCa);
        root.Options.Add(Timeout);
    }
}
