using System.Text;

namespace Platform.Common.Filters;

/// <summary>One filter string: all selectors must match (AND).</summary>
/// <remarks>Equality compares the selectors in order.</remarks>
public sealed record Filter(IReadOnlyList<Selector> Selectors)
{
    public bool Match(IFieldSource source)
    {
        // Indexing avoids an enumerator allocation per object on hot list paths.
        var selectors = Selectors;
        for (var i = 0; i < selectors.Count; i++)
        {
            if (!selectors[i].Match(source))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(Filter? other) => other is not null && Selectors.SequenceEqual(other.Selectors);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var selector in Selectors)
        {
            hash.Add(selector);
        }

        return hash.ToHashCode();
    }

    /// <summary>The filter in filter syntax; parsing it gives an equal filter.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        for (var i = 0; i < Selectors.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            Selectors[i].AppendTo(text);
        }

        return text.ToString();
    }
}
