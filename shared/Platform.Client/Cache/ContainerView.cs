using System.Collections.Concurrent;
using Platform.Common.Filters;
using Platform.Contracts.Containers;

namespace Platform.Client.Cache;

/// <summary>
/// The containers of one namespace as last seen, built from a list and kept current by events that may arrive twice
/// or out of order. For one id, states are ordered by incarnation (<see cref="Container.CreatedAt"/>), then by
/// <see cref="Container.Version"/> within it, and a deletion ends its incarnation: a state replaces what is held only
/// when it is newer, so a late or repeated event never brings back what was replaced or deleted. Reads take no lock.
/// </summary>
internal sealed class ContainerView
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _write = new();
    private long _stamp;

    /// <summary>How many containers are held (deleted ones not counted).</summary>
    public int Count => _entries.Values.Count(e => e.Live is not null);

    /// <summary>A mark to pass to <see cref="Reconcile"/>: what is applied after it is newer than a list that starts after it.</summary>
    public long Mark()
    {
        lock (_write)
            return ++_stamp;
    }

    public Container? Get(string id) => _entries.TryGetValue(id, out var entry) ? entry.Live : null;

    /// <summary>The containers that match <paramref name="filters"/>, in id order, as the service lists them.</summary>
    public IReadOnlyList<Container> List(FilterSet filters)
    {
        var matched = new List<Container>();
        foreach (var entry in _entries.Values)
        {
            if (entry.Live is { } c && filters.Match(new ContainerFields(c)))
                matched.Add(c);
        }
        matched.Sort(static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        return matched;
    }

    /// <summary>Holds <paramref name="container"/> unless what is held is newer. True when it changed the view.</summary>
    public bool Put(Container container)
    {
        lock (_write)
        {
            if (_entries.TryGetValue(container.Id, out var held))
            {
                var order = container.CreatedAt.CompareTo(held.CreatedAt);
                if (order < 0 || (order == 0 && (held.Live is null || container.Version <= held.Version)))
                    return false;
            }
            _entries[container.Id] = new Entry(container, container.CreatedAt, container.Version, ++_stamp);
            return true;
        }
    }

    /// <summary>Ends the incarnation created at <paramref name="createdAt"/>, unless a newer one is held. True when it changed the view.</summary>
    public bool Remove(string id, DateTimeOffset createdAt)
    {
        lock (_write)
        {
            if (_entries.TryGetValue(id, out var held) && (held.CreatedAt > createdAt || (held.CreatedAt == createdAt && held.Live is null)))
                return false;
            _entries[id] = new Entry(null, createdAt, long.MaxValue, ++_stamp);
            return true;
        }
    }

    /// <summary>
    /// After a complete list that started after <paramref name="mark"/>: whatever is held but was not listed, and was
    /// last changed before the mark, was deleted while no event said so (a subscription that lost events); it becomes a
    /// deletion. Deletions last changed before <paramref name="forgetBefore"/> are forgotten: a repeated event older than
    /// that could bring one back, which is the price of not keeping every id ever deleted. Returns how many were dropped.
    /// </summary>
    public int Reconcile(IReadOnlySet<string> listed, long mark, long forgetBefore)
    {
        var dropped = 0;
        lock (_write)
        {
            foreach (var (id, entry) in _entries)
            {
                if (entry.Live is null)
                {
                    if (entry.Stamp < forgetBefore)
                        _entries.TryRemove(id, out _);
                    continue;
                }
                if (entry.Stamp >= mark || listed.Contains(id))
                    continue;
                _entries[id] = entry with { Live = null, Version = long.MaxValue };
                dropped++;
            }
        }
        return dropped;
    }

    private readonly record struct Entry(Container? Live, DateTimeOffset CreatedAt, long Version, long Stamp);
}
