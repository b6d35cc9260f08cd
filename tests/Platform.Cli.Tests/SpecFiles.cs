namespace Platform.Cli.Tests;

/// <summary>Spec files on disk for <c>--spec FILE</c>, removed with the test class.</summary>
public sealed class SpecFiles : IDisposable
{
    public const string Spec = """{"ociVersion":"1.1.0","process":{"args":["/bin/true"]}}""";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "platform-cli-tests", Guid.NewGuid().ToString("N"));

    public SpecFiles() => Directory.CreateDirectory(_directory);

    public string Write(string content = Spec)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A path in the same directory that does not exist.</summary>
    public string Missing() => Path.Combine(_directory, "missing-" + Guid.NewGuid().ToString("N")[..8] + ".json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
