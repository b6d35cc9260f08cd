using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Platform.Hosting.Options;

/// <summary>
/// A <see cref="TimeSpan"/> option between two bounds (inclusive), written as TimeSpan strings ("00:00:01",
/// "7.00:00:00"). Use it instead of <c>[Range(typeof(TimeSpan), ...)]</c>: RangeAttribute converts its string bounds
/// on first use and is not safe when two hosts validate the same options type at once (one thread sees the other's
/// converted TimeSpan where it expects the string, and throws InvalidCastException at host start).
/// The bounds here are parsed once, in the constructor, and never change.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class DurationAttribute : ValidationAttribute
{
    public DurationAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
        if (Minimum > Maximum)
            throw new ArgumentException($"minimum {minimum} is above maximum {maximum}", nameof(minimum));
    }

    public TimeSpan Minimum { get; }

    public TimeSpan Maximum { get; }

    public override bool IsValid(object? value) => value switch
    {
        null => true, // [Required] says whether a value must be there
        TimeSpan span => span >= Minimum && span <= Maximum,
        _ => false,
    };

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name,
            Minimum.ToString("c", CultureInfo.InvariantCulture), Maximum.ToString("c", CultureInfo.InvariantCulture));
}
