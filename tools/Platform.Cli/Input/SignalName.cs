using System.Globalization;

namespace Platform.Cli.Input;

/// <summary>
/// The <c>--signal</c> value: a Linux signal name with or without <c>SIG</c>, in any case (<c>SIGTERM</c>,
/// <c>TERM</c>, <c>term</c>), or a number from 1 to 64.
/// </summary>
internal static class SignalName
{
    public const int Hangup = 1;
    public const int Interrupt = 2;
    public const int Kill = 9;
    public const int Terminate = 15;

    /// <summary>What the error message lists as accepted.</summary>
    public const string Accepted = "a signal name (SIGTERM, TERM or term; KILL, INT, HUP, QUIT, USR1, USR2, STOP, CONT, ...) or a number from 1 to 64";

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28,
        ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31, ["RTMIN"] = 34, ["RTMAX"] = 64,
    };

    public static bool TryParse(string? text, out int signal)
    {
        signal = 0;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        if (char.IsAsciiDigit(text[0]))
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out signal) && signal is >= 1 and <= 64;
        var name = text.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? text[3..] : text;
        return Numbers.TryGetValue(name, out signal);
    }

    /// <summary>The message of a bad value, naming the option.</summary>
    public static string Invalid(string option, string? text) => $"{option} \"{text}\" is not {Accepted}";
}
