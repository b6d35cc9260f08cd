using System.CommandLine;
using Platform.Cli.Output;
using Platform.Contracts.Tasks;

namespace Platform.Cli.Commands.Tasks;

internal static class TasksCommand
{
    public static Command Create(CliContext context) => new("tasks", "Create, start, signal, inspect and remove the tasks (running processes) of containers")
    {
        CreateCommand.Create(context),
        StartCommand.Create(context),
        GetCommand.Create(context),
        ListCommand.Create(context),
        PidsCommand.Create(context),
        TopCommand.Create(context),
        PauseCommand.Create(context),
        UpdateCommand.Create(context),
        ResumeCommand.Create(context),
        KillCommand.Create(context),
        WaitCommand.Create(context),
        LogsCommand.Create(context),
        ExecCommand.Create(context),
        AttachCommand.Create(context),
        DeleteCommand.Create(context),
    };

    public static Argument<string> IdArgument() => new("id") { Description = "Container id (a task's id is its container's)" };

    public static Option<string> ExecIdOption(string description) => new("--exec-id") { Description = description, HelpName = "EXEC_ID" };

    /// <summary>Prints the task in the chosen format.</summary>
    public static Task WriteAsync(Invocation invocation, TaskInfo task) =>
        invocation.Json ? TaskJson.WriteAsync(invocation.Out, task) : TaskText.WriteAsync(invocation.Out, task);
}
