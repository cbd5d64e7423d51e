// Cold start: a short channel program (a ping-pong, a 100-stage pipeline and a select loop, about 250 ms once warm)
// run five times in one fresh process, for Weft and for the same program on Tasks and System.Threading.Channels.
// The first run pays for the JIT compiling every hot path at tier 0, running slowly there, and recompiling at tier 1;
// the later runs do not. Figures: cold_ms (run 1), warm_ms (median of runs 2-5) and jit_share (1 - warm/cold).
//
//   dotnet run -c Release --project bench/Weft.ColdStart                 # every model × runtime setting, each in a fresh process
//   dotnet run -c Release --project bench/Weft.ColdStart -- one weft     # one process: the five runs of one model
//
// The settings compared are the runtime's own knobs (environment variables of the child process): the defaults;
// DOTNET_TieredPGO=0 (no instrumented tier); DOTNET_TC_CallCountingDelayMs=0 (tier up without waiting for start-up
// to go quiet); DOTNET_TieredCompilation=0 (fully optimized code from the first call). ReadyToRun is measured by
// publishing this project with -p:PublishReadyToRun=true and passing the published folder with --published DIR.
using System.Diagnostics;
using System.Threading.Channels;
using Weft;

const int RoundTrips = 150_000;

if (args.Length >= 2 && args[0] == "one")
{
    var times = new double[5];
    for (int i = 0; i < times.Length; i++)
    {
        var sw = Stopwatch.StartNew();
        long check = args[1] == "weft" ? WeftProgram() : TasksProgram();
        times[i] = sw.Elapsed.TotalMilliseconds;
        if (check != Expected()) throw new InvalidOperationException($"check {check}, expected {Expected()}");
    }

    var warm = times.Skip(1).OrderBy(t => t).ToArray();
    double warmMedian = (warm[1] + warm[2]) / 2;
    Console.WriteLine($"{times[0]:F1} {warmMedian:F1}");
    return 0;
}

string? published = args.Length >= 2 && args[0] == "--published" ? args[1] : null;
var self = typeof(Program).Assembly.Location;
var settings = new (string Name, string[] Env)[]
{
    ("defaults", []),
    ("TieredPGO=0", ["DOTNET_TieredPGO=0"]),
    ("TC_CallCountingDelayMs=0", ["DOTNET_TC_CallCountingDelayMs=0"]),
    ("TieredCompilation=0", ["DOTNET_TieredCompilation=0"]),
};
var builds = published is null ? [("jit", self)] : new[] { ("jit", self), ("ready-to-run", Path.Combine(published, Path.GetFileName(self))) };
Console.WriteLine($"{"build",-13} {"setting",-26} {"model",-6} {"cold_ms",9} {"warm_ms",9} {"jit_share",9}");
foreach (var (build, dll) in builds)
foreach (var (name, env) in settings)
foreach (var model in new[] { "weft", "tasks" })
{
    var cold = new List<double>();
    var warmRuns = new List<double>();
    for (int rep = 0; rep < 3; rep++)
    {
        var psi = new ProcessStartInfo("dotnet", [dll, "one", model]) { RedirectStandardOutput = true };
        foreach (var kv in env)
        {
            var parts = kv.Split('=');
            psi.Environment[parts[0]] = parts[1];
        }

        using var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadToEnd().Trim().Split(' ');
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{model} {name}: exit code {p.ExitCode}");
        cold.Add(double.Parse(line[0], System.Globalization.CultureInfo.InvariantCulture));
        warmRuns.Add(double.Parse(line[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    double c = cold.Order().ElementAt(1), w = warmRuns.Order().ElementAt(1);
    Console.WriteLine($"{build,-13} {name,-26} {model,-6} {c,9:F1} {w,9:F1} {1 - w / c,9:P0}");
}

return 0;

static long Expected() =>
    (long)RoundTrips * (RoundTrips + 1) / 2 + (long)(RoundTrips / 100) * (RoundTrips / 100 - 1) / 2 + (long)(RoundTrips / 100) * 100 + RoundTrips / 10;

static long WeftProgram() => Go.Run(async () =>
{
    var ping = new Chan<int>();
    var pong = new Chan<int>();
    Go.Start(async () =>
    {
        for (int i = 0; i < RoundTrips; i++) await pong.SendAsync(await ping.ReceiveAsync() + 1);
    });
    long sum = 0;
    for (int i = 0; i < RoundTrips; i++)
    {
        await ping.SendAsync(i);
        sum += await pong.ReceiveAsync();
    }

    var head = new Chan<long>();
    var input = head;
    for (int s = 0; s < 100; s++)
    {
        var from = input;
        var to = new Chan<long>();
        Go.Start(async () =>
        {
            await foreach (var v in from) await to.SendAsync(v + 1);
            to.Close();
        });
        input = to;
    }

    Go.Start(async () =>
    {
        for (long i = 0; i < RoundTrips / 100; i++) await head.SendAsync(i);
        head.Close();
    });
    await foreach (var v in input) sum += v;

    var ready = new Chan<int>(1);
    var never = new Chan<int>(1);
    for (int i = 0; i < RoundTrips / 10; i++)
    {
        await ready.SendAsync(i);
        var r = await Select.Of(Select.Receive(never), Select.Receive(ready));
        sum += r.Index;
    }

    return sum;
});

static long TasksProgram() => Task.Run(async () =>
{
    var ping = Channel.CreateBounded<int>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
    var pong = Channel.CreateBounded<int>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
    var echo = Task.Run(async () =>
    {
        for (int i = 0; i < RoundTrips; i++) await pong.Writer.WriteAsync(await ping.Reader.ReadAsync() + 1);
    });
    long sum = 0;
    for (int i = 0; i < RoundTrips; i++)
    {
        await ping.Writer.WriteAsync(i);
        sum += await pong.Reader.ReadAsync();
    }

    await echo;
    var head = Channel.CreateBounded<long>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
    var input = head;
    var stages = new List<Task>();
    for (int s = 0; s < 100; s++)
    {
        var from = input.Reader;
        var to = Channel.CreateBounded<long>(new BoundedChannelOptions(0) { SingleReader = true, SingleWriter = true });
        stages.Add(Task.Run(async () =>
        {
            while (await from.WaitToReadAsync())
                while (from.TryRead(out var v)) await to.Writer.WriteAsync(v + 1);
            to.Writer.Complete();
        }));
        input = to;
    }

    var producer = Task.Run(async () =>
    {
        for (long i = 0; i < RoundTrips / 100; i++) await head.Writer.WriteAsync(i);
        head.Writer.Complete();
    });
    var tail = input.Reader;
    while (await tail.WaitToReadAsync())
        while (tail.TryRead(out var v)) sum += v;
    await producer;
    await Task.WhenAll(stages);

    // The select loop's .NET shape: the ready channel's ReadAsync (there is no select over two channels).
    var ready = Channel.CreateBounded<int>(1);
    for (int i = 0; i < RoundTrips / 10; i++)
    {
        await ready.Writer.WriteAsync(i);
        await ready.Reader.ReadAsync();
        sum += 1;
    }

    return sum;
}).GetAwaiter().GetResult();
