using OpenTelemetry.Metrics;
using Weft;
using Weft.Hosting;
using Weft.Hosting.Sample;

// A worker service whose work runs as goroutines: a job source, a pool of workers, a reporter. Ctrl+C stops the host,
// which cancels the goroutines' token and waits for them. `--metrics` also prints the Weft meter through OpenTelemetry.
var builder = Host.CreateApplicationBuilder(args);

builder.Services
    .AddWeft(options =>
    {
        options.Name = "sample";
        options.ShutdownTimeout = TimeSpan.FromSeconds(5);
    })
    .AddSingleton<Jobs>()
    .AddGoroutine<JobSource>()
    .AddGoroutine<JobWorkers>();

if (args.Contains("--metrics"))
{
    builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
        .AddMeter(GoRuntime.MeterName)
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5_000));
}

builder.Build().Run();
