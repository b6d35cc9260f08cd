using System.Text;
using System.Text.RegularExpressions;
using Platform.Common.Errors;

namespace Platform.Common.Filters;

public enum SelectorOperator
{
    /// <summary>The field exists, whatever its value.</summary>
    Present,

    /// <summary>The field exists and equals the value (ordinal).</summary>
    Equal,

    /// <summary>The field, or "" when absent, differs from the value.</summary>
    NotEqual,

    /// <summary>The regular expression finds a match in the field, or in "" when absent.</summary>
    Matches,
}

/// <summary>One test of a field: <c>fieldpath</c>, or <c>fieldpath op value</c>.</summary>
/// <remarks>Equality compares the field path, operator and value, never the compiled pattern.</remarks>
public sealed record Selector(IReadOnlyList<string> FieldPath, SelectorOperator Operator, string Value)
{
    private Regex? pattern;

    /// <summary>
    /// The compiled <see cref="Value"/> for <see cref="SelectorOperator.Matches"/>. The parser sets it;
    /// a selector built by hand compiles it on first use. It must stay in step with <see cref="Value"/>.
    /// </summary>
    public Regex? Pattern
    {
        get => Operator == SelectorOperator.Matches ? pattern ??= Compile(Value) : pattern;
        init => pattern = value;
    }

    public bool Match(IFieldSource source)
    {
        var present = source.TryGetField(FieldPath, out var actual);
        switch (Operator)
        {
            case SelectorOperator.Present:
                return present;
            case SelectorOperator.Equal:
                return present && string.Equals(actual, Value, StringComparison.Ordinal);
            case SelectorOperator.NotEqual:
                return !string.Equals(present ? actual : "", Value, StringComparison.Ordinal);
            case SelectorOperator.Matches:
                try
                {
                    return Pattern!.IsMatch(present ? actual ?? "" : "");
                }
                catch (RegexMatchTimeoutException)
                {
                    // Silently not matching would hide objects without a trace; the pattern is the caller's to fix.
                    throw PlatformException.InvalidArgument(
                        $"regular expression \"{Value}\" took longer than {FilterParser.MatchTimeout.TotalSeconds:0.#} s to match; simplify it");
                }
            default:
                return false;
        }
    }

    public bool Equals(Selector? other) =>
        other is not null
        && Operator == other.Operator
        && string.Equals(Value, other.Value, StringComparison.Ordinal)
        && FieldPath.SequenceEqual(other.FieldPath, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Operator);
        hash.Add(Value, StringComparer.Ordinal);
        foreach (var field in FieldPath)
        {
            hash.Add(field, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The selector in filter syntax; parsing it gives an equal selector.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTo(text);
        return text.ToString();
    }

    internal void AppendTo(StringBuilder text)
    {
        for (var i = 0; i < FieldPath.Count; i++)
        {
            if (i > 0)
            {
                text.Append('.');
            }

            var field = FieldPath[i];
            if (FilterParser.IsBareField(field))
            {
                text.Append(field);
            }
            else
            {
                FilterParser.AppendQuoted(text, field);
            }
        }

        if (Operator == SelectorOperator.Present)
        {
            return;
        }

        text.Append(FilterParser.OperatorText(Operator));
        if (FilterParser.IsBareValue(Value, Operator))
        {
            text.Append(Value);
        }
        else
        {
            FilterParser.AppendQuoted(text, Value);
        }
    }

    private static Regex Compile(string value)
    {
        try
        {
            return FilterParser.CompilePattern(value);
        }
        catch (ArgumentException ex)
        {
            throw PlatformException.InvalidArgument($"invalid regular expression \"{value}\": {ex.Message}");
        }
    }
}
