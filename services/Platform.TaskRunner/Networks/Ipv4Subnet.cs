using System.Globalization;

namespace Platform.TaskRunner.Networks;

/// <summary>An IPv4 network: its address (host bits clear) and prefix length. Addresses are host-order integers.</summary>
public readonly record struct Ipv4Subnet(uint Network, int Prefix)
{
    /// <summary>The mask of the prefix (0 for /0).</summary>
    public uint Mask => Prefix == 0 ? 0u : uint.MaxValue << (32 - Prefix);

    /// <summary>The last address (all host bits set).</summary>
    public uint Broadcast => Network | ~Mask;

    /// <summary>The first address after the network's own: the default gateway.</summary>
    public uint FirstHost => Network + 1;

    public bool Contains(uint address) => (address & Mask) == Network;

    public bool Overlaps(Ipv4Subnet other) => Contains(other.Network) || other.Contains(Network);

    public override string ToString() => $"{Format(Network)}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>a.b.c.d/n</c> (dotted quad, prefix 0..32); the host bits are kept in <paramref name="address"/>.</summary>
    public static bool TryParse(string? text, out uint address, out int prefix)
    {
        address = 0;
        prefix = 0;
        if (text is null)
            return false;
        var slash = text.IndexOf('/');
        return slash > 0
            && TryParseAddress(text[..slash], out address)
            && text.Length - slash - 1 is 1 or 2
            && text[(slash + 1)..].All(char.IsAsciiDigit)
            && (prefix = int.Parse(text[(slash + 1)..], CultureInfo.InvariantCulture)) <= 32;
    }

    /// <summary>A strict dotted quad: four decimal parts of one to three digits, each at most 255.</summary>
    public static bool TryParseAddress(string? text, out uint address)
    {
        address = 0;
        if (text is null)
            return false;
        var parts = text.Split('.');
        if (parts.Length != 4)
            return false;
        foreach (var part in parts)
        {
            if (part.Length is < 1 or > 3 || !part.All(char.IsAsciiDigit))
                return false;
            var value = int.Parse(part, CultureInfo.InvariantCulture);
            if (value > 255)
                return false;
            address = (address << 8) | (uint)value;
        }
        return true;
    }

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");
}
