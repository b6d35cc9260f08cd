using System.Diagnostics;
using Xunit;

namespace Platform.Testing.Registries;

/// <summary>Runs the reference tools (skopeo) and says whether they and the registry are installed.</summary>
public static class RegistryTools
{
    public const string RegistryBinary = "/usr/bin/docker-registry";
    public const string SkopeoBinary = "/usr/bin/skopeo";

    /// <summary>Why the real registry can't run here, or null when it can.</summary>
    public static string? MissingReason()
    {
        var missing = new[] { RegistryBinary, SkopeoBinary }.Where(p => !File.Exists(p)).ToList();
        return missing.Count == 0 ? null : $"{string.Join(" and ", missing)} not installed (apt-get install -y docker-registry skopeo)";
    }

    /// <summary>Fails under CI (<c>CI=true</c>), skips elsewhere, when the real registry can't run.</summary>
    public static void Require(string? reason)
    {
        if (reason is null)
            return;
        var message = $"The real registry is needed: {reason}.";
        if (Requirements.InCi)
            Assert.Fail(message);
        Assert.Skip(message);
    }

    /// <summary>Runs skopeo with no signature policy (a loopback registry of test images); its stdout, or an exception with its stderr.</summary>
    public static async Task<byte[]> SkopeoAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(SkopeoBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--insecure-policy");
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(deadline.Token);
        await copy;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"skopeo {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return stdout.ToArray();
    }
}
