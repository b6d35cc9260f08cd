namespace Platform.TaskRunner.Networks.Cni;

/// <summary>The per-namespace folders under <c>{DataRoot}/networks/</c>: one goes when its last task's entry does.</summary>
internal static class NamespaceFolders
{
    public static void DeleteIfEmpty(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
        catch (IOException)
        {
            // Another task's entry appeared in the folder meanwhile: it stays for that one.
        }
    }
}
