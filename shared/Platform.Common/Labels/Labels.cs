using System.Text;
using Platform.Common.Errors;

namespace Platform.Common.Labels;

public static class Labels
{
    /// <summary>Limit on the UTF-8 bytes of one key and its value together.</summary>
    public const int MaxSize = 4096;

    private const int KeyBytesInMessage = 64;

    /// <param name="owner">What the entries are called in messages, e.g. "label" or "annotation".</param>
    public static void Validate(IReadOnlyDictionary<string, string>? labels, string owner = "label")
    {
        if (labels is null)
        {
            return;
        }

        foreach (var (key, value) in labels)
        {
            if (string.IsNullOrEmpty(key))
            {
                throw PlatformException.InvalidArgument($"{owner} key must not be empty");
            }

            // A deserialised dictionary can carry null values despite the annotation.
            var valueText = value ?? "";

            // UTF-8 needs at most three bytes per UTF-16 unit, so most entries need no counting at all.
            if ((key.Length + valueText.Length) * 3 <= MaxSize)
            {
                continue;
            }

            var size = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(valueText);
            if (size > MaxSize)
            {
                throw PlatformException.InvalidArgument(
                    $"{owner} key and value are {size} bytes together; the limit is {MaxSize} (key: \"{Prefix(key, KeyBytesInMessage)}\")");
            }
        }
    }

    /// <summary>Labels are never stored empty: an empty or null value removes the key.</summary>
    public static void Set(IDictionary<string, string> target, string key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            target.Remove(key);
        }
        else
        {
            target[key] = value;
        }
    }

    /// <summary>A copy of <paramref name="labels"/> without the keys whose value is empty or null (see <see cref="Set"/>).</summary>
    public static Dictionary<string, string> WithoutEmpty(IReadOnlyDictionary<string, string>? labels)
    {
        var result = new Dictionary<string, string>();
        if (labels is not null)
        {
            foreach (var (key, value) in labels)
            {
                Set(result, key, value);
            }
        }

        return result;
    }

    /// <summary>The longest prefix of <paramref name="text"/> that fits in <paramref name="maxBytes"/> UTF-8 bytes
    /// without cutting a character in half.</summary>
    internal static string Prefix(string text, int maxBytes)
    {
        var bytes = 0;
        var chars = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes)
            {
                break;
            }

            chars += rune.Utf16SequenceLength;
        }

        return chars == text.Length ? text : text[..chars];
    }
}
