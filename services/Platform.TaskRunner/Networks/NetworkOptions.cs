using System.ComponentModel.DataAnnotations;

namespace Platform.TaskRunner.Networks;

/// <summary>Configuration section <c>TaskRunner:Networks</c>.</summary>
public sealed class NetworkOptions : IValidatableObject
{
    public const string Section = "TaskRunner:Networks";

    /// <summary>
    /// Where networks created without a subnet get theirs: the first /24 of this IPv4 range that overlaps no network
    /// on the node. A CIDR with a prefix of at most /24. Default <c>10.89.0.0/16</c> (256 networks).
    /// </summary>
    [Required]
    public string Pool { get; set; } = "10.89.0.0/16";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Ipv4Subnet.TryParse(Pool, out var address, out var prefix) || prefix > 24 || (address & new Ipv4Subnet(0, prefix).Mask) != address)
            yield return new ValidationResult($"{Section}:Pool \"{Pool}\" must be an IPv4 CIDR with no host bits set and a prefix of at most /24", [nameof(Pool)]);
    }
}
