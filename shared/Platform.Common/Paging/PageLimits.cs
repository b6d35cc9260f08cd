using Platform.Common.Errors;

namespace Platform.Common.Paging;

/// <summary>The page size rule every list query follows: 0 means the default, larger requests are capped, negative is refused.</summary>
public static class PageLimits
{
    public const int Default = 1000;
    public const int Max = 5000;

    public static int Of(int requested) => requested switch
    {
        < 0 => throw PlatformException.InvalidArgument($"limit must not be negative (got {requested})"),
        0 => Default,
        _ => Math.Min(requested, Max),
    };
}
