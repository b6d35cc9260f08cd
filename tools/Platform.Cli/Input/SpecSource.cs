using Platform.Common.Errors;

namespace Platform.Cli.Input;

/// <summary>The <c>--spec</c> value: a file path, or <c>-</c> for stdin. The text is sent as read; the service validates it.</summary>
internal static class SpecSource
{
    public const string Stdin = "-";

    /// <exception cref="PlatformException">InvalidArgument naming the file when it can't be read.</exception>
    public static async Task<string> ReadAsync(string source, TextReader stdin, CancellationToken cancellationToken)
    {
        if (source == Stdin)
            return await stdin.ReadToEndAsync(cancellationToken);
        try
        {
            return await File.ReadAllTextAsync(source, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw PlatformException.InvalidArgument($"--spec file \"{source}\" does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw PlatformException.InvalidArgument($"--spec file \"{source}\" cannot be read: {e.Message}");
        }
    }
}
