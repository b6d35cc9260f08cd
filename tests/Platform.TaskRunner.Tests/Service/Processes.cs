namespace Platform.TaskRunner.Tests.Service;

/// <summary>What the host says of a process.</summary>
internal static class Processes
{
    /// <summary>The process exists and is not a zombie.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return !stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
