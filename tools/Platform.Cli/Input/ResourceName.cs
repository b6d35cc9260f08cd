using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.Cli.Input;

/// <summary>
/// A resource named on the command line: <c>KIND/KEY</c> (the service's default snapshotter) or
/// <c>KIND/SNAPSHOTTER/KEY</c>, with <c>snapshots</c> (containerd's lease resource spelling) read as <c>snapshot</c>. Snapshot keys may contain '/' themselves: with two or more slashes the second
/// segment is taken as the snapshotter, unless <c>--snapshotter</c> is given, in which case all after the kind is the key.
/// An image (<c>image/docker.io/library/busybox:1.36</c>) and content (<c>content/sha256:HEX</c>) have no snapshotter:
/// everything after the kind is the name or digest, slashes and colons included.
/// </summary>
internal static class ResourceName
{
    public const string Image = "image";
    public const string Content = "content";

    public static ResourceRef Parse(string text, string? snapshotter)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
            throw PlatformException.InvalidArgument(
                $"resource \"{text}\" must be KIND/KEY or KIND/SNAPSHOTTER/KEY, e.g. snapshot/busybox, snapshot/overlayfs/busybox, " +
                "image/busybox:1.36 or content/sha256:<64 hex>");
        // containerd spells lease resources "snapshots/SNAPSHOTTER"; both spellings name one kind.
        var kind = text[..slash] switch
        {
            "snapshots" => "snapshot",
            "images" => Image,
            var given => given,
        };
        var key = text[(slash + 1)..];
        if (kind is Image or Content)
        {
            if (!string.IsNullOrEmpty(snapshotter))
                throw PlatformException.InvalidArgument($"--snapshotter is for snapshots; {kind} \"{key}\" has none");
            return new ResourceRef { Kind = kind, Key = key };
        }
        if (string.IsNullOrEmpty(snapshotter))
        {
            var second = key.IndexOf('/');
            if (second > 0 && second < key.Length - 1)
            {
                snapshotter = key[..second];
                key = key[(second + 1)..];
            }
        }
        return new ResourceRef { Kind = kind, Snapshotter = string.IsNullOrEmpty(snapshotter) ? null : snapshotter, Key = key };
    }
}
