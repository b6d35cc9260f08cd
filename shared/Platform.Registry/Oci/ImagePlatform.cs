using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace Platform.Client.Images;

/// <summary>
/// An OCI platform (<c>os/architecture[/variant]</c>), as written in an index and as asked for by a user.
/// Architecture and variant names are normalised the way containerd does (x86_64 → amd64, aarch64 → arm64,
/// arm64 without variant → v8, arm without variant → v7).
/// </summary>
public sealed record ImagePlatform
{
    [JsonPropertyName("os")]
    public string Os { get; init; } = "";

    [JsonPropertyName("architecture")]
    public string Architecture { get; init; } = "";

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    [JsonPropertyName("os.features")]
    public IReadOnlyList<string>? OsFeatures { get; init; }

    /// <summary>The platform this process runs on (<c>linux/amd64</c> on the platform's hosts).</summary>
    public static ImagePlatform Host { get; } = DetectHost();

    /// <summary>
    /// Parses <c>os/arch[/variant]</c> (or <c>arch</c> alone, meaning the host's OS); false otherwise. (The client library's
    /// <c>ImagePlatform.Parse</c>, which throws InvalidArgument, is built on this: this assembly knows no error kinds.)
    /// </summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImagePlatform? platform)
    {
        platform = null;
        var parts = (text ?? "").Trim().Split('/');
        if (parts.Length > 3 || parts.Any(p => p.Length == 0))
            return false;
        platform = (parts.Length switch
        {
            1 => new ImagePlatform { Os = Host.Os, Architecture = parts[0] },
            2 => new ImagePlatform { Os = parts[0], Architecture = parts[1] },
            _ => new ImagePlatform { Os = parts[0], Architecture = parts[1], Variant = parts[2] },
        }).Normalize();
        return true;
    }

    /// <summary>Lower-case names, containerd's architecture aliases, and the default variants made explicit.</summary>
    public ImagePlatform Normalize()
    {
        var os = Os.ToLowerInvariant();
        var arch = Architecture.ToLowerInvariant();
        var variant = string.IsNullOrEmpty(Variant) ? null : Variant.ToLowerInvariant();
        switch (arch)
        {
            case "x86_64" or "x86-64" or "amd64":
                arch = "amd64";
                variant = variant is null or "v1" ? null : variant;
                break;
            case "i386" or "i686" or "386":
                arch = "386";
                break;
            case "aarch64" or "arm64":
                arch = "arm64";
                variant = variant is null or "8" or "v8" ? "v8" : variant;
                break;
            case "armhf":
                arch = "arm";
                variant = "v7";
                break;
            case "armel":
                arch = "arm";
                variant = "v6";
                break;
            case "arm":
                variant = variant switch { null or "7" => "v7", "5" => "v5", "6" => "v6", "8" => "v8", _ => variant };
                break;
        }
        if (os == "macos")
            os = "darwin";
        return this with { Os = os, Architecture = arch, Variant = variant };
    }

    /// <summary>
    /// Whether an image built for <paramref name="candidate"/> runs on this platform: same OS and architecture, and
    /// the same variant, except that an arm host also runs older arm variants (v7 runs v6 and v5).
    /// </summary>
    public bool Matches(ImagePlatform candidate)
    {
        var self = Normalize();
        var other = candidate.Normalize();
        if (self.Os != other.Os || self.Architecture != other.Architecture)
            return false;
        if (self.Variant == other.Variant)
            return true;
        return self.Architecture == "arm" && VariantRank(other.Variant) <= VariantRank(self.Variant);
    }

    /// <summary>How good a match <paramref name="candidate"/> is: higher is better, negative is no match.</summary>
    public int Rank(ImagePlatform candidate)
    {
        if (!Matches(candidate))
            return -1;
        return candidate.Normalize().Variant == Normalize().Variant ? 100 : VariantRank(candidate.Normalize().Variant);
    }

    private static int VariantRank(string? variant) =>
        variant is { Length: > 1 } && variant[0] == 'v' && int.TryParse(variant.AsSpan(1), out var n) ? n : 0;

    public override string ToString()
    {
        var s = $"{(Os.Length == 0 ? "unknown" : Os)}/{(Architecture.Length == 0 ? "unknown" : Architecture)}";
        return string.IsNullOrEmpty(Variant) ? s : $"{s}/{Variant}";
    }

    private static ImagePlatform DetectHost()
    {
        var os = OperatingSystem.IsLinux() ? "linux"
            : OperatingSystem.IsWindows() ? "windows"
            : OperatingSystem.IsMacOS() ? "darwin"
            : OperatingSystem.IsFreeBSD() ? "freebsd"
            : "linux";
        var (arch, variant) = RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => ("amd64", (string?)null),
            System.Runtime.InteropServices.Architecture.Arm64 => ("arm64", "v8"),
            System.Runtime.InteropServices.Architecture.Arm => ("arm", "v7"),
            System.Runtime.InteropServices.Architecture.Armv6 => ("arm", "v6"),
            System.Runtime.InteropServices.Architecture.X86 => ("386", null),
            System.Runtime.InteropServices.Architecture.S390x => ("s390x", null),
            System.Runtime.InteropServices.Architecture.Ppc64le => ("ppc64le", null),
            System.Runtime.InteropServices.Architecture.RiscV64 => ("riscv64", null),
            System.Runtime.InteropServices.Architecture.LoongArch64 => ("loong64", null),
            var other => (other.ToString().ToLowerInvariant(), null),
        };
        return new ImagePlatform { Os = os, Architecture = arch, Variant = variant };
    }
}
