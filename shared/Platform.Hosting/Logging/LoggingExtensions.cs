using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using Serilog.Formatting.Compact;

namespace Platform.Hosting.Logging;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog from the <c>Serilog</c> configuration section, structured: properties such as ContainerId and
    /// MessageId travel with each event. <c>Logging:Json=true</c> writes compact JSON lines instead of text.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformLogging(this IHostApplicationBuilder builder, string service)
    {
        var json = builder.Configuration.GetValue("Logging:Json", false);
        builder.Services.AddSerilog((_, lc) =>
        {
            lc.ReadFrom.Configuration(builder.Configuration)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("Service", service)
                .MinimumLevel.Override("MassTransit", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft", Serilog.Events.LogEventLevel.Warning);
            if (json)
                lc.WriteTo.Console(new CompactJsonFormatter(), standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose);
            else
                lc.WriteTo.Console(
                    outputTemplate: "{Timestamp:HH:mm:ss.fff} {Level:u3} [{Service}] {Message:lj} {Properties:j}{NewLine}{Exception}",
                    standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose);
        });
        return builder;
    }
}
