using System.Text;
using Platform.Common.Errors;

namespace Platform.Common.Limits;

/// <summary>
/// Configuration section <c>Limits</c>: how big one stored object and one list page may be, so no single user can
/// make a record (or a reply) that slows everyone or outgrows the broker's message size. Passing a limit is
/// ResourceExhausted, naming the object, the size, the limit and the setting that raises it.
/// </summary>
public sealed class ObjectLimits
{
    public const string Section = "Limits";

    /// <summary>UTF-8 bytes of one container's OCI spec. Default 512 KiB (a typical spec is under 20 KiB).</summary>
    public int SpecBytes { get; set; } = 512 * 1024;

    /// <summary>UTF-8 bytes of all labels of one object, keys and values (each label is also limited to 4096). Default 64 KiB.</summary>
    public int LabelBytes { get; set; } = 64 * 1024;

    /// <summary>Extensions on one container. Default 32.</summary>
    public int Extensions { get; set; } = 32;

    /// <summary>UTF-8 bytes of all extensions of one container, keys and values. Default 512 KiB.</summary>
    public int ExtensionBytes { get; set; } = 512 * 1024;

    /// <summary>Approximate bytes of one list reply: a page stops early (with a continuation token) past this. Default 4 MiB.</summary>
    public int PageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Refuses labels whose keys and values together pass <see cref="LabelBytes"/>.</summary>
    public void CheckLabels(IReadOnlyDictionary<string, string>? labels, string owner)
    {
        var total = SizeOf(labels);
        if (total > LabelBytes)
            throw Exhausted($"{owner}: labels are {total} bytes together", LabelBytes, nameof(LabelBytes));
    }

    /// <summary>Refuses a spec past <see cref="SpecBytes"/>.</summary>
    public void CheckSpec(string? spec, string owner)
    {
        var size = Bytes(spec);
        if (size > SpecBytes)
            throw Exhausted($"{owner}: spec is {size} bytes", SpecBytes, nameof(SpecBytes));
    }

    /// <summary>Refuses more than <see cref="Extensions"/> extensions or more than <see cref="ExtensionBytes"/> of them.</summary>
    public void CheckExtensions(IReadOnlyDictionary<string, string>? extensions, string owner)
    {
        if (extensions is null)
            return;
        if (extensions.Count > Extensions)
            throw Exhausted($"{owner}: {extensions.Count} extensions", Extensions, nameof(Extensions));
        var total = SizeOf(extensions);
        if (total > ExtensionBytes)
            throw Exhausted($"{owner}: extensions are {total} bytes together", ExtensionBytes, nameof(ExtensionBytes));
    }

    /// <summary>
    /// How many of <paramref name="items"/> (in order) fit in one page of <see cref="PageBytes"/>, by <paramref name="size"/>;
    /// always at least one, so a page makes progress whatever one item weighs.
    /// </summary>
    public int FitPage<T>(IReadOnlyList<T> items, Func<T, long> size)
    {
        long total = 0;
        for (var i = 0; i < items.Count; i++)
        {
            total += size(items[i]);
            if (total > PageBytes && i > 0)
                return i;
        }
        return items.Count;
    }

    public static int Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    public static long SizeOf(IReadOnlyDictionary<string, string>? map)
    {
        long total = 0;
        if (map is not null)
            foreach (var (key, value) in map)
                total += Bytes(key) + Bytes(value);
        return total;
    }

    private static PlatformException Exhausted(string what, int limit, string setting) =>
        PlatformException.ResourceExhausted($"{what}, over the limit of {limit} ({Section}:{setting})");
}
