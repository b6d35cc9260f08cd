using System.Globalization;

namespace Platform.Cli.Output;

/// <summary>Byte counts for people: binary units with one decimal (<c>74.2 MiB</c>); plain bytes below 1 KiB. JSON keeps exact bytes.</summary>
internal static class Sizes
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    public static string Human(long bytes)
    {
        if (bytes < 1024)
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        var value = (double)bytes;
        var unit = -1;
        do
        {
            value /= 1024;
            unit++;
        }
        while (value >= 1024 && unit < Units.Length - 1);
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
