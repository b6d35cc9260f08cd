namespace Platform.Cli.Commands.Run;

/// <summary>
/// docker's <c>run [OPTIONS] IMAGE [COMMAND] [ARG...]</c> (and <c>create</c>'s): options end at the image, and everything after it is the
/// container's command, dashes included (<c>run busybox ls -l</c>: <c>-l</c> is ls's). The parser reads options
/// anywhere, so a <c>--</c> is put after the first positional argument of <c>run</c> when the user wrote none there.
/// </summary>
internal static class RunArguments
{
    /// <summary>Options, of run and global ones, that take a value as the next token.</summary>
    private static readonly HashSet<string> TakeValue = new(StringComparer.Ordinal)
    {
        "--namespace", "-n", "--output", "-o", "--bus", "--timeout",
        "--label", "--snapshot", "--rootfs", "--snapshotter", "--runtime", "--env", "-e", "--cwd", "-w", "--workdir",
        "--name", "--user", "-u", "--entrypoint", "--hostname",
        "--volume", "-v", "--mount", "--tmpfs", // MountFlags
    };

    public static string[] Normalize(string[] args)
    {
        var i = SkipOptions(args, 0);
        if (i >= args.Length || args[i] is not ("run" or "create"))
            return args;
        var options = i + 1;
        i = SkipOptions(args, options);
        // The older form (--snapshot or --rootfs, then ID -- CMD) asks for its '--' itself.
        if (args[options..i].Any(a => a is "--snapshot" or "--rootfs" || a.StartsWith("--snapshot=", StringComparison.Ordinal) || a.StartsWith("--rootfs=", StringComparison.Ordinal)))
            return args;
        if (i >= args.Length || args[i] == "--" || i + 1 >= args.Length || args[i + 1] == "--")
            return args;
        return [.. args[..(i + 1)], "--", .. args[(i + 1)..]];
    }

    /// <summary>The index of the first token from <paramref name="start"/> that is neither an option nor an option's value (or a <c>--</c>).</summary>
    private static int SkipOptions(string[] args, int start)
    {
        var i = start;
        while (i < args.Length && args[i] != "--" && args[i].Length > 1 && args[i][0] == '-')
            i += TakeValue.Contains(args[i]) || ResourceFlags.ValueOptions.Contains(args[i]) || HealthFlags.ValueOptions.Contains(args[i])
                || RestartFlags.ValueOptions.Contains(args[i]) || NetworkFlags.ValueOptions.Contains(args[i]) ? 2 : 1;
        return i;
    }
}
