using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Hosting.Options;
using Platform.TaskRunner.Tasks.Restarts;
using Xunit;

namespace Platform.TaskRunner.Tests.Configuration;

/// <summary>
/// Duration options are checked at host start. Two hosts in one process (tests, or platformd with its services) may
/// validate the same options type at the same moment; CI once failed at start with an InvalidCastException from
/// RangeAttribute's lazy conversion of TimeSpan bounds, which is why these options use <see cref="DurationAttribute"/>.
/// </summary>
public sealed class When_runner_options_are_validated
{
    [Fact]
    public void Should_refuse_a_duration_outside_its_bounds_naming_the_field_and_the_bounds()
    {
        var options = new TaskRunnerOptions { ExitRetention = TimeSpan.FromDays(8) };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        var error = Assert.Single(results);
        Assert.Equal("The field ExitRetention must be between 00:00:01 and 7.00:00:00.", error.ErrorMessage);
    }

    [Fact]
    public void Should_accept_both_bounds_and_refuse_just_outside_them()
    {
        var attribute = new DurationAttribute("00:00:01", "00:10:00");

        Assert.True(attribute.IsValid(TimeSpan.FromSeconds(1)));
        Assert.True(attribute.IsValid(TimeSpan.FromMinutes(10)));
        Assert.False(attribute.IsValid(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1)));
        Assert.False(attribute.IsValid(TimeSpan.FromMinutes(10) + TimeSpan.FromTicks(1)));
        Assert.False(attribute.IsValid("00:00:05"));
    }

    [Fact]
    public void Should_validate_from_many_threads_at_once_on_a_fresh_attribute()
    {
        // The race needs a fresh attribute each round: it happens only while the first callers are inside. RangeAttribute
        // with TimeSpan bounds failed this within a few thousand rounds here, with the message CI showed.
        for (var round = 0; round < 5000; round++)
        {
            var attribute = new DurationAttribute("00:00:00.001", "1.00:00:00");
            using var start = new Barrier(8);
            var outcomes = new bool[8];
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            {
                start.SignalAndWait();
                outcomes[i] = attribute.IsValid(TimeSpan.FromSeconds(i + 1));
            });
            Assert.All(outcomes, Assert.True);
        }
    }

    [Fact]
    public void Should_fail_host_start_validation_for_a_restart_delay_of_zero()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["TaskRunner:Restarts:FirstDelay"] = "00:00:00" })
            .Build();
        services.AddOptions<RestartOptions>().Bind(configuration.GetSection("TaskRunner:Restarts")).ValidateDataAnnotations();

        var error = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<RestartOptions>>().Value);
        Assert.Contains("FirstDelay must be between 00:00:00.0010000 and 01:00:00", error.Message);
    }
}
