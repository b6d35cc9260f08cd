using System.CommandLine;

namespace Platform.Cli.Commands.Containers;

internal static class ContainersCommand
{
    public static Command Create(CliContext context) => new("containers", "Create, inspect, list, change and remove containers")
    {
        CreateCommand.Create(context),
        GetCommand.Create(context),
        ListCommand.Create(context),
        LabelCommand.Create(context),
        UpdateCommand.Create(context),
        DeleteCommand.Create(context),
    };

    /// <summary>Prints the container in the chosen format.</summary>
    public static Task WriteAsync(Invocation invocation, Contracts.Containers.Container container) =>
        invocation.Json
            ? Output.ContainerJson.WriteAsync(invocation.Out, container)
            : Output.ContainerText.WriteAsync(invocation.Out, container);
}
