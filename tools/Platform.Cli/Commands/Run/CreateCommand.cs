using System.CommandLine;

namespace Platform.Cli.Commands.Run;

/// <summary>
/// <c>create</c>: docker's <c>create</c>, the container <c>run</c> would make (same flags), without its task; prints the
/// container id. Run it later with <c>tasks start</c>-style commands (<c>tasks create ID</c>, <c>tasks start ID</c>) or
/// <c>tasks attach</c> for one made with <c>-i</c>/<c>-t</c>.
/// </summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var container = new ContainerFlags();
        var command = new Command("create", """
            Create a container as run would (same flags: image, command, limits, mounts, restart, health, -i/-t, --rm ...)
            without starting it, and print its id. docker's form: create [OPTIONS] IMAGE [COMMAND] [ARG...]; the older form
            create --snapshot NAME|--rootfs DIR [OPTIONS] ID -- CMD [ARG...] also works.
            """);
        container.AddTo(command);
        context.SetAction(command, async run =>
        {
            if (container.Legacy(run) && (container.Args(run).Length == 0 || !run.HasDoubleDash))
                return await run.UsageErrorAsync("create needs the command to run after '--', e.g. platformctl create --rootfs DIR ID -- sh -c 'echo hi'");
            var request = container.Read(run);
            var client = await run.ClientAsync();
            await RunContainers.CreateAsync(run, client, request);
            await run.Out.WriteLineAsync(request.Id);
            return ExitCodes.Ok;
        });
        return command;
    }
}
