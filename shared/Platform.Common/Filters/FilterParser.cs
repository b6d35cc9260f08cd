using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Common.Filters;

/// <summary>
/// Parses containerd's filter language:
/// <code>
/// filter    := selector (',' selector)*
/// selector  := fieldpath [operator value]
/// fieldpath := field ('.' field)*
/// field     := [A-Za-z0-9_]+ | quoted
/// operator  := '==' | '!=' | '~='
/// value     := quoted | unquoted | ('/' regex '/') | ('|' regex '|')   (the last two only after '~=')
/// </code>
/// Whitespace between tokens is ignored. Positions in messages count UTF-16 characters from 0.
/// </summary>
public static class FilterParser
{
    /// <summary>Bounds a catastrophic pattern's cost per value instead of letting it stall a list request.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private const string OperatorList = "(==, !=, ~=)";

    /// <exception cref="PlatformException">InvalidArgument naming the filter and where it went wrong.</exception>
    public static Filter Parse(string filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            throw PlatformException.InvalidArgument("filter must not be empty");
        }

        var reader = new Reader(filter);
        return reader.ReadFilter();
    }

    internal static Regex CompilePattern(string pattern) =>
        new(pattern, RegexOptions.CultureInvariant, MatchTimeout);

    internal static string OperatorText(SelectorOperator op) => op switch
    {
        SelectorOperator.Equal => "==",
        SelectorOperator.NotEqual => "!=",
        SelectorOperator.Matches => "~=",
        _ => "",
    };

    internal static bool IsBareField(string field)
    {
        if (field.Length == 0)
        {
            return false;
        }

        foreach (var c in field)
        {
            if (!IsFieldChar(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsBareValue(string value, SelectorOperator op)
    {
        if (value.Length == 0 || !CanStartBareValue(value[0], op))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (EndsBareValue(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static void AppendQuoted(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static bool IsFieldChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsOperatorChar(char c) => c is '=' or '!' or '~';

    private static bool EndsBareValue(char c) => c == ',' || char.IsWhiteSpace(c);

    // '/' and '|' open a delimited pattern only after '~='; elsewhere they are ordinary, so paths such as
    // "/var/lib" need no quoting in equality tests.
    private static bool CanStartBareValue(char c, SelectorOperator op) =>
        !EndsBareValue(c) && !IsOperatorChar(c) && c != '"' && !(op == SelectorOperator.Matches && c is '/' or '|');

    private struct Reader(string text)
    {
        private int pos;

        public Filter ReadFilter()
        {
            var selectors = new List<Selector>(1);
            while (true)
            {
                selectors.Add(ReadSelector());
                SkipSpace();
                if (pos == text.Length)
                {
                    return new Filter(selectors.ToArray());
                }

                if (text[pos] != ',')
                {
                    throw Error("expected ',' or the end of the filter", pos, Found(pos));
                }

                pos++;
            }
        }

        private Selector ReadSelector()
        {
            var path = ReadFieldPath();
            SkipSpace();
            if (pos == text.Length || text[pos] == ',')
            {
                return new Selector(path, SelectorOperator.Present, "");
            }

            var opStart = pos;
            while (pos < text.Length && IsOperatorChar(text[pos]))
            {
                pos++;
            }

            var op = text.AsSpan(opStart, pos - opStart) switch
            {
                "==" => SelectorOperator.Equal,
                "!=" => SelectorOperator.NotEqual,
                "~=" => SelectorOperator.Matches,
                "" => throw Error($"expected an operator {OperatorList}, ',' or the end of the filter", opStart, Found(opStart)),
                var other => throw Error($"expected an operator {OperatorList}", opStart, $", found \"{other}\""),
            };

            SkipSpace();
            var valueStart = pos;
            var value = ReadValue(op);
            if (op != SelectorOperator.Matches)
            {
                return new Selector(path, op, value);
            }

            Regex pattern;
            try
            {
                pattern = CompilePattern(value);
            }
            catch (ArgumentException ex)
            {
                throw Error($"invalid regular expression \"{value}\"", valueStart, $": {ex.Message}");
            }

            return new Selector(path, op, value) { Pattern = pattern };
        }

        private string[] ReadFieldPath()
        {
            var first = ReadField();
            SkipSpace();
            if (pos == text.Length || text[pos] != '.')
            {
                return [first];
            }

            var fields = new List<string>(3) { first };
            while (pos < text.Length && text[pos] == '.')
            {
                pos++;
                fields.Add(ReadField());
                SkipSpace();
            }

            return [.. fields];
        }

        private string ReadField()
        {
            SkipSpace();
            if (pos < text.Length && text[pos] == '"')
            {
                return ReadQuoted();
            }

            var start = pos;
            while (pos < text.Length && IsFieldChar(text[pos]))
            {
                pos++;
            }

            if (pos == start)
            {
                throw Error("expected a field name (letters, digits, '_' or a quoted string)", pos, Found(pos));
            }

            return text[start..pos];
        }

        private string ReadValue(SelectorOperator op)
        {
            var start = pos;
            if (pos == text.Length || EndsBareValue(text[pos]))
            {
                throw Error($"expected a value after \"{OperatorText(op)}\"", pos, Found(pos));
            }

            var first = text[pos];
            if (first == '"')
            {
                return ReadQuoted();
            }

            if (op == SelectorOperator.Matches && first is '/' or '|')
            {
                return ReadDelimited(first);
            }

            if (!CanStartBareValue(first, op))
            {
                throw Error($"expected a value after \"{OperatorText(op)}\"", pos, $"{Found(pos)}; quote a value that starts with it");
            }

            while (pos < text.Length && !EndsBareValue(text[pos]))
            {
                pos++;
            }

            return text[start..pos];
        }

        private string ReadQuoted()
        {
            var start = pos++;
            var segment = pos;
            StringBuilder? unescaped = null;
            while (true)
            {
                var offset = text.AsSpan(pos).IndexOfAny('"', '\\');
                if (offset < 0)
                {
                    throw Error("unterminated quoted string starting", start, "; close it with '\"'");
                }

                pos += offset;
                if (text[pos] == '"')
                {
                    var result = unescaped is null
                        ? text[segment..pos]
                        : unescaped.Append(text, segment, pos - segment).ToString();
                    pos++;
                    return result;
                }

                unescaped ??= new StringBuilder();
                unescaped.Append(text, segment, pos - segment);
                ReadEscape(unescaped, start);
                segment = pos;
            }
        }

        private void ReadEscape(StringBuilder target, int quoteStart)
        {
            var escapeStart = pos;
            if (pos + 1 >= text.Length)
            {
                throw Error("unterminated quoted string starting", quoteStart, "; close it with '\"'");
            }

            var kind = text[pos + 1];
            pos += 2;
            switch (kind)
            {
                case '"' or '\\' or '/' or '\'': target.Append(kind); break;
                case 'n': target.Append('\n'); break;
                case 't': target.Append('\t'); break;
                case 'r': target.Append('\r'); break;
                case 'b': target.Append('\b'); break;
                case 'f': target.Append('\f'); break;
                case 'a': target.Append('\a'); break;
                case 'v': target.Append('\v'); break;
                case 'u': AppendCodePoint(target, 4, escapeStart); break;
                case 'U': AppendCodePoint(target, 8, escapeStart); break;
                default:
                    throw Error($"unknown escape sequence \"\\{kind}\"", escapeStart,
                        "; use \\\", \\\\, \\/, \\', \\a, \\b, \\f, \\n, \\r, \\t, \\v, \\uXXXX or \\UXXXXXXXX");
            }
        }

        private void AppendCodePoint(StringBuilder target, int digits, int escapeStart)
        {
            var letter = digits == 4 ? 'u' : 'U';
            if (pos + digits > text.Length
                || !uint.TryParse(text.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                throw Error($"escape \"\\{letter}\" needs {digits} hex digits", escapeStart, "");
            }

            // Surrogate halves are rejected as Go does; a character outside the BMP uses \U.
            if (!Rune.TryCreate(code, out var rune))
            {
                throw Error($"escape \"\\{letter}{text.AsSpan(pos, digits)}\" is not a Unicode scalar value", escapeStart, "");
            }

            pos += digits;
            Span<char> utf16 = stackalloc char[2];
            target.Append(utf16[..rune.EncodeToUtf16(utf16)]);
        }

        // Only an escaped delimiter is unescaped: every other backslash belongs to the regular expression.
        private string ReadDelimited(char delimiter)
        {
            var start = pos++;
            var segment = pos;
            StringBuilder? unescaped = null;
            while (true)
            {
                var offset = text.AsSpan(pos).IndexOfAny(delimiter, '\\');
                if (offset < 0)
                {
                    throw Error("unterminated regular expression starting", start, $"; close it with '{delimiter}'");
                }

                pos += offset;
                if (text[pos] == delimiter)
                {
                    var result = unescaped is null
                        ? text[segment..pos]
                        : unescaped.Append(text, segment, pos - segment).ToString();
                    pos++;
                    return result;
                }

                if (pos + 1 >= text.Length)
                {
                    throw Error("unterminated regular expression starting", start, $"; close it with '{delimiter}'");
                }

                if (text[pos + 1] == delimiter)
                {
                    unescaped ??= new StringBuilder();
                    unescaped.Append(text, segment, pos - segment).Append(delimiter);
                    pos += 2;
                    segment = pos;
                }
                else
                {
                    // Skipping the escaped character keeps "\\" from escaping a following delimiter.
                    pos += 2;
                }
            }
        }

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        private readonly string Found(int at) =>
            at >= text.Length ? ", found the end of the filter" : $", found '{text[at]}'";

        private readonly PlatformException Error(string problem, int at, string detail) =>
            PlatformException.InvalidArgument($"invalid filter \"{text}\": {problem} at position {at}{detail}");
    }
}
