using MassTransit;
using MassTransit.Configuration;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Hosting.Bus.Replies;

public static class ReplyConfiguration
{
    /// <summary>The services the reply filters use.</summary>
    public static IServiceCollection AddPlatformReplies(this IServiceCollection services)
    {
        services.TryAddSingleton<ReplyExchanges>();
        services.TryAddSingleton<PlainReplies>();
        services.TryAddSingleton<ReplyRoutes>();
        return services;
    }

    /// <summary>Routes every request's replies (see <see cref="ReplyRouteFilter"/>) and answers failed ones (<see cref="ReplyOnErrorFilter"/>).</summary>
    public static void UsePlatformReplies(this IBusFactoryConfigurator cfg, IRegistrationContext context)
    {
        // A pre-pipe filter runs before the message is read as its type; a plain UseFilter would run per type, after it.
        cfg.AddPrePipeSpecification(new First(new ReplyRouteFilter(context.GetRequiredService<ReplyRoutes>())));
        cfg.ConnectEndpointConfigurationObserver(new ErrorPipe());
    }

    private sealed class First(IFilter<ConsumeContext> filter) : IPipeSpecification<ConsumeContext>
    {
        public void Apply(IPipeBuilder<ConsumeContext> builder) => builder.AddFilter(filter);

        public IEnumerable<ValidationResult> Validate() => [];
    }

    /// <summary>MassTransit's default error pipe (fault, then the <c>_error</c> queue), with <see cref="ReplyOnErrorFilter"/> first.</summary>
    private sealed class ErrorPipe : IEndpointConfigurationObserver
    {
        public void EndpointConfigured<T>(T configurator) where T : IReceiveEndpointConfigurator =>
            configurator.ConfigureError(x =>
            {
                x.UseFilter(new ReplyOnErrorFilter());
                x.UseFilter(new GenerateFaultFilter());
                x.UseFilter(new ErrorTransportFilter());
            });
    }
}
