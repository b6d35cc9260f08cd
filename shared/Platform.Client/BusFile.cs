using Platform.Common.Errors;

namespace Platform.Client;

/// <summary>
/// A bus address kept in a file (<c>PLATFORM_BUS_FILE</c>), so a password never appears in a process's arguments.
/// The file holds the address on its first line and should be readable by its owner only.
/// </summary>
public static class BusFile
{
    /// <summary>The address in the file the environment variable names; null when the variable is unset.</summary>
    public static string? Read(string variable)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(path))
            return null;
        try
        {
            return File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0)?.Trim()
                ?? throw PlatformException.InvalidArgument($"{variable}: {path} is empty; it should hold the bus address");
        }
        catch (IOException e)
        {
            throw PlatformException.InvalidArgument($"{variable}: cannot read {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw PlatformException.InvalidArgument($"{variable}: cannot read {path}: {e.Message}");
        }
    }
}
