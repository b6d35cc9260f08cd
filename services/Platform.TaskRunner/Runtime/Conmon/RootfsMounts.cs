using Platform.Common.Errors;
using Platform.Contracts.Resources;

namespace Platform.TaskRunner.Runtime.Conmon;

/// <summary>Mounts a snapshot's mounts (as the resource GC service describes them) onto a bundle's rootfs folder.</summary>
internal static class RootfsMounts
{
    /// <summary>Each mount in order onto <paramref name="target"/>; InvalidArgument, with the kernel's reason, when one fails.</summary>
    public static void Mount(IReadOnlyList<Mount> mounts, string target)
    {
        foreach (var mount in mounts)
        {
            ulong flags = 0;
            var data = new List<string>();
            foreach (var option in mount.Options)
            {
                switch (option)
                {
                    case "ro": flags |= Native.MsRdonly; break;
                    case "rw": flags &= ~Native.MsRdonly; break;
                    case "bind": flags |= Native.MsBind; break;
                    case "rbind": flags |= Native.MsBind | Native.MsRec; break;
                    case "nosuid": flags |= Native.MsNosuid; break;
                    case "nodev": flags |= Native.MsNodev; break;
                    case "noexec": flags |= Native.MsNoexec; break;
                    case "sync": flags |= Native.MsSynchronous; break;
                    case "noatime": flags |= Native.MsNoatime; break;
                    case "nodiratime": flags |= Native.MsNodiratime; break;
                    case "relatime": flags |= Native.MsRelatime; break;
                    case "strictatime": flags |= Native.MsStrictatime; break;
                    default: data.Add(option); break;
                }
            }
            if (mount.Type == "bind")
                flags |= Native.MsBind;
            string? error;
            if ((flags & Native.MsBind) != 0)
            {
                // A bind mount takes its flags only on a remount.
                error = Native.Mount(mount.Source, target, null, flags & (Native.MsBind | Native.MsRec), null);
                if (error is null && (flags & ~(Native.MsBind | Native.MsRec)) != 0)
                    error = Native.Mount("", target, null, (flags & ~Native.MsRec) | Native.MsRemount | Native.MsBind, null);
            }
            else
                error = Native.Mount(mount.Source, target, mount.Type, flags, data.Count == 0 ? null : string.Join(',', data));
            if (error is not null)
                throw PlatformException.InvalidArgument(
                    $"mounting the rootfs ({mount.Type} {mount.Source} {string.Join(',', mount.Options)}) failed: {error}");
        }
    }
}
