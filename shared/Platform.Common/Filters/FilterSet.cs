namespace Platform.Common.Filters;

/// <summary>Several filters: any may match (OR); none at all matches everything.</summary>
public sealed class FilterSet
{
    private readonly Filter[] filters;

    public FilterSet(IEnumerable<Filter> filters)
    {
        this.filters = [.. filters];
    }

    public static FilterSet All { get; } = new([]);

    public IReadOnlyList<Filter> Filters => filters;

    /// <summary>True when there is nothing to test, so callers can skip matching altogether.</summary>
    public bool MatchesAll => filters.Length == 0;

    public bool Match(IFieldSource source)
    {
        if (filters.Length == 0)
        {
            return true;
        }

        foreach (var filter in filters)
        {
            if (filter.Match(source))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Parses each string as one filter. A null or empty list matches everything, but an empty string
    /// inside the list is an error: it is far more likely a client bug than a wish to match all.
    /// </summary>
    /// <exception cref="Platform.Common.Errors.PlatformException">InvalidArgument for any malformed filter.</exception>
    public static FilterSet Parse(IEnumerable<string>? filters)
    {
        if (filters is null)
        {
            return All;
        }

        List<Filter>? parsed = null;
        foreach (var filter in filters)
        {
            (parsed ??= []).Add(FilterParser.Parse(filter));
        }

        return parsed is null ? All : new FilterSet(parsed);
    }

    public override string ToString() => MatchesAll ? "(all)" : string.Join(" OR ", filters.Select(f => $"[{f}]"));
}
