using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Client;
using Platform.Hosting.Bus.Replies;
using Platform.Hosting.Options;
using Platform.Hosting.Security;

namespace Platform.Hosting.Bus;

public static class BusExtensions
{
    /// <summary>
    /// The bus every Platform host uses: RabbitMQ, the consumers the services register, expected failures as
    /// error replies, retry then the <c>_error</c> queue for the unexpected, and a host that waits until its
    /// receive endpoints exist (otherwise early messages are lost).
    /// </summary>
    public static IServiceCollection AddPlatformBus(this IServiceCollection services, IConfiguration configuration,
        Action<ConsumerEndpoints> registerConsumers)
    {
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.Section))
            .PostConfigure(o =>
            {
                var env = Environment.GetEnvironmentVariable("PLATFORM_BUS") is { Length: > 0 } given ? given : BusFile.Read("PLATFORM_BUS_FILE");
                if (!string.IsNullOrWhiteSpace(env) && configuration[$"{BusOptions.Section}:Uri"] is null)
                    o.Uri = new Uri(env);
                o.UseTlsEnvironment(configuration);
            })
            .ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section));
        services.AddServiceClient();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IUserDirectory, BusUserDirectory>();
        services.TryAddSingleton<CallerResolver>();

        // Before MassTransit's own hosted service: hosted services start in registration order.
        services.AddHostedService<BrokerGate>();

        services.AddPlatformReplies();
        var endpoints = new ConsumerEndpoints();
        registerConsumers(endpoints);
        services.AddMassTransit(x =>
        {
            foreach (var (_, consumer) in endpoints.All)
                x.AddConsumer(consumer);
            x.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
                var tls = BusTls.Create(options.Uri, options.Tls);
                cfg.Host(options.Uri, h => tls?.Apply(h));
                cfg.UsePlatformEvents();
                cfg.PrefetchCount = options.PrefetchCount;
                cfg.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                cfg.UsePlatformJson();
                cfg.UsePlatformReplies(context);
                cfg.UseMessageRetry(r => r.Exponential(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(300)));
                cfg.UseConsumeFilter(typeof(PlatformErrorFilter<>), context);
                // Inside the error filter, so a refusal becomes an error reply like any other expected failure.
                cfg.UseConsumeFilter(typeof(AuthorizationFilter<>), context);
                cfg.StampUserId(options.Uri);
                foreach (var queue in endpoints.All.GroupBy(e => e.Queue, e => e.Consumer))
                {
                    cfg.ReceiveEndpoint(options.EndpointPrefix + queue.Key, e =>
                    {
                        if (endpoints.ConcurrencyLimits.TryGetValue(queue.Key, out var limit))
                        {
                            e.PrefetchCount = limit;
                            e.ConcurrentMessageLimit = limit;
                        }
                        e.BindEventConsumers(queue);
                        foreach (var consumer in queue)
                            e.ConfigureConsumer(context, consumer);
                        foreach (var configure in endpoints.Configurations.GetValueOrDefault(queue.Key) ?? [])
                            configure(e);
                    });
                }
            });
        });
        services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
