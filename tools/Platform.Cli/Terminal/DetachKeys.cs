using Platform.Common.Errors;

namespace Platform.Cli.Terminal;

/// <summary>
/// docker's detach keys (<c>--detach-keys</c>): a sequence such as <c>ctrl-p,ctrl-q</c> (the default) that ends an
/// attach without touching the task. Keys are <c>ctrl-a</c>…<c>ctrl-z</c>, <c>ctrl-@</c>, <c>ctrl-[</c>, <c>ctrl-\</c>,
/// <c>ctrl-]</c>, <c>ctrl-^</c>, <c>ctrl-_</c> or a single character. Bytes that start the sequence are held back until
/// it is complete (then dropped) or broken (then passed on), as docker does.
/// </summary>
internal sealed class DetachKeys
{
    public const string Default = "ctrl-p,ctrl-q";

    private readonly byte[] _sequence;
    private int _matched;

    private DetachKeys(byte[] sequence) => _sequence = sequence;

    /// <exception cref="PlatformException">InvalidArgument naming --detach-keys for a key it does not know.</exception>
    public static DetachKeys Parse(string? text)
    {
        text = string.IsNullOrEmpty(text) ? Default : text;
        var keys = new List<byte>();
        foreach (var key in text.Split(','))
        {
            var k = key.Trim();
            if (k.Length == 1 && k[0] < 128)
                keys.Add((byte)k[0]);
            else if (k.Length == 6 && k.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase) && char.ToLowerInvariant(k[5]) is >= 'a' and <= 'z')
                keys.Add((byte)(char.ToLowerInvariant(k[5]) - 'a' + 1));
            else if (k.Length == 6 && k.StartsWith("ctrl-", StringComparison.OrdinalIgnoreCase) && "@[\\]^_".IndexOf(k[5]) is var at and >= 0)
                keys.Add((byte)(at == 0 ? 0 : 27 + at - 1));
            else
                throw PlatformException.InvalidArgument($"--detach-keys \"{text}\": \"{k}\" is not a key (ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\\, ctrl-], ctrl-^, ctrl-_ or one character)");
        }
        return new DetachKeys([.. keys]);
    }

    /// <summary>
    /// Passes <paramref name="input"/> through: what to send on (into <paramref name="output"/>), and whether the
    /// sequence was completed (then what followed it is dropped).
    /// </summary>
    public bool Scan(ReadOnlySpan<byte> input, List<byte> output)
    {
        foreach (var b in input)
        {
            if (b == _sequence[_matched])
            {
                _matched++;
                if (_matched == _sequence.Length)
                {
                    _matched = 0;
                    return true;
                }
                continue;
            }
            // Broken: the held-back bytes go on, and this byte may start the sequence again.
            output.AddRange(_sequence.AsSpan(0, _matched));
            _matched = 0;
            if (b == _sequence[0])
                _matched = 1;
            else
                output.Add(b);
        }
        return false;
    }
}
