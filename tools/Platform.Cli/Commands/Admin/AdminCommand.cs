using System.CommandLine;

namespace Platform.Cli.Commands.Admin;

internal static class AdminCommand
{
    public static Command Create(CliContext context) => new("admin", "Administer Platform (administrators only)")
    {
        UsersCommand.Create(context),
    };
}
