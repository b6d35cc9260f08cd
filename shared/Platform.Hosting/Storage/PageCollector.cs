namespace Platform.Hosting.Storage;

/// <summary>
/// Collects one page of a list from rows read in key order: keeps the rows that match, and knows whether
/// more may follow (one more match than the page holds was seen) so the caller can hand out a continuation.
/// </summary>
public sealed class PageCollector<T>(int limit, Func<T, bool> match, Func<T, string> keyOf)
{
    private readonly List<T> _items = new(Math.Min(limit, 1024));
    private bool _more;

    /// <summary>Offers the next row; false once the page is full and a further match exists (stop reading).</summary>
    public bool Offer(T item)
    {
        if (!match(item))
            return true;
        if (_items.Count == limit)
        {
            _more = true;
            return false;
        }
        _items.Add(item);
        return true;
    }

    public IReadOnlyList<T> Items => _items;

    /// <summary>The key to continue after, or null when the source ended within this page.</summary>
    public string? After => _more ? keyOf(_items[^1]) : null;
}
