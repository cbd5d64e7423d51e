using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Weft.Hosting;

/// <summary>Registers Weft with a host's services.</summary>
public static class WeftServiceCollectionExtensions
{
    /// <summary>
    /// Runs a <see cref="GoRuntime"/> with the host's lifetime (see <see cref="WeftHost"/>): registers
    /// <see cref="WeftHost"/> as a hosted service and the runtime as <see cref="GoRuntime"/>. Calling it again
    /// applies <paramref name="configure"/> to the same options. Its metrics are on the meter named
    /// <see cref="GoRuntime.MeterName"/> (for OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddMeter(GoRuntime.MeterName))</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is out of range (the exception names it).</exception>
    public static IServiceCollection AddWeft(this IServiceCollection services, Action<WeftHostingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.FirstOrDefault(d => d.ServiceType == typeof(WeftHostingOptions))?.ImplementationInstance as WeftHostingOptions;
        if (options is null)
        {
            options = new WeftHostingOptions();
            services.AddSingleton(options);
            services.AddSingleton<WeftHost>();
            services.AddSingleton(sp => sp.GetRequiredService<WeftHost>().Runtime);
            // Registered before any goroutine service, so the runtime starts first and stops last.
            services.AddHostedService(sp => sp.GetRequiredService<WeftHost>());
        }

        configure?.Invoke(options);
        options.Validate();
        return services;
    }

    /// <summary>
    /// Runs <typeparamref name="T"/> as a goroutine service: resolved from the container as a singleton, its
    /// <see cref="IGoroutineService.ExecuteAsync"/> started as a goroutine when the host starts and cancelled when it
    /// stops. Adds Weft with default options if <see cref="AddWeft"/> has not been called.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddGoroutine<T>(this IServiceCollection services) where T : class, IGoroutineService
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddWeft();
        services.TryAddSingleton<T>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, GoroutineServiceRunner<T>>());
        return services;
    }
}
