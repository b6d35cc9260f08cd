using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.Cli.Input;

/// <summary>
/// A resource named on the command line: <c>KIND/KEY</c> (the service's default snapshotter) or
/// <c>KIND/SNAPSHOTTER/KEY</c>, with <c>snapshots</c> (containerd's lease resource spelling) read as <c>snapshot</c>. Snapshot keys may contain '/' themselves: with two or more slashes the second
/// segment is taken as the snapshotter, unless <c>--snapshotter</c> is given, in which case all after the kind is the key.
/// </summary>
internal static class ResourceName
{
    public static ResourceRef Parse(string text, string? snapshotter)
    {
        var slash = text.IndexOf('/');
        if (slash <= 0 || slash == text.Length - 1)
            throw PlatformException.InvalidArgument(
                $"resource \"{text}\" must be KIND/KEY or KIND/SNAPSHOTTER/KEY, e.g. snapshot/busybox or snapshot/overlayfs/busybox");
        // containerd spells lease resources "snapshots/SNAPSHOTTER"; both spellings name one kind.
        var kind = text[..slash] is "snapshots" ? "snapshot" : text[..slash];
        var key = text[(slash + 1)..];
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
