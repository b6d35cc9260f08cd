using System.CommandLine;
using Platform.Cli.Input;
using Platform.Cli.Output;
using Platform.Contracts.Networks;

namespace Platform.Cli.Commands.Networks;

internal static class CreateNetworkCommand
{
    public static Command Create(CliContext context)
    {
        var name = new Argument<string>("name") { Description = "Network name (identifier rules; none and host are reserved)" };
        var subnet = new Option<string>("--subnet") { Description = "IPv4 subnet, /8 to /30 (default: the next free /24 of 10.89.0.0/16)", HelpName = "CIDR" };
        var gateway = new Option<string>("--gateway") { Description = "The bridge's address in the subnet (default: its first host address)", HelpName = "IP" };
        var labels = new Option<string[]>("--label") { Description = "Label to set; repeatable", HelpName = "KEY=VALUE" };
        var command = new Command("create", "Create a bridge network and print it") { name, subnet, gateway, labels };
        context.SetAction(command, async run =>
        {
            var request = new CreateNetwork
            {
                Namespace = run.Namespace, Name = run.Get(name), Subnet = run.Get(subnet), Gateway = run.Get(gateway),
                Labels = KeyValues.Parse(run.Get(labels), "--label"),
            };
            var client = await run.ClientAsync();
            var network = await client.Networks.CreateAsync(request, run.CancellationToken);
            await (run.Json ? NetworkJson.WriteAsync(run.Out, network) : NetworkText.WriteAsync(run.Out, network));
            return ExitCodes.Ok;
        });
        return command;
    }
}
