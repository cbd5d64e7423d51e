using System.Diagnostics;
using Weft.Tests.Tracing;

namespace Weft.Tests.Diagnostics;

[Collection(TracingCollection.Name)] // the block profile switches the process-wide trace hooks on
public sealed class ProfilesTests
{
    private static async GoTask ReceiveForever(Chan<int> ch) => await ch.ReceiveWithOkAsync();

    private static async GoTask SelectForever(Chan<int> a, Chan<int> b) => await Select.Of(Select.Receive(a), Select.Receive(b));

    /// <summary>Parks 10 goroutines on a receive and 5 on a select, and waits until all 15 are parked.</summary>
    private static (Chan<int> Release, Task Main) ParkSome(TestRuntime rt)
    {
        var ch = new Chan<int>();
        var other = new Chan<int>();
        var main = rt.Runtime.RunAsync(async () =>
        {
            for (int i = 0; i < 10; i++) Go.Start(() => ReceiveForever(ch));
            for (int i = 0; i < 5; i++) Go.Start(() => SelectForever(ch, other));
        });
        TestRuntime.WaitWithHangGuard(main);
        var deadline = Stopwatch.StartNew();
        while (Profiles.Goroutine(rt.Runtime).Records.Sum(r => r.State is "chan receive" or "select" ? r.Count : 0) < 15)
        {
            if (deadline.Elapsed > TestRuntime.HangGuard) throw new TimeoutException("the goroutines did not park");
            Thread.Yield();
        }

        return (ch, main);
    }

    [Fact]
    public void GoroutineProfile_GroupsByStateFramesAndCreationSite()
    {
        using var rt = new TestRuntime(2, trackCreationSites: true);
        var (ch, _) = ParkSome(rt);
        var profile = Profiles.Goroutine(rt.Runtime);
        Assert.Equal(15, profile.Total);
        var receive = Assert.Single(profile.Records, r => r.State == "chan receive");
        Assert.Equal(10, receive.Count);
        Assert.Contains(receive.Frames, f => f.Contains("ReceiveForever", StringComparison.Ordinal));
        Assert.Contains("ProfilesTests", receive.CreationSite);
        var select = Assert.Single(profile.Records, r => r.State == "select");
        Assert.Equal(5, select.Count);

        var text = profile.ToText();
        Assert.StartsWith("goroutine profile: total 15\n", text);
        Assert.Contains("10 @ [chan receive]\n#\t", text);
        Assert.Contains("5 @ [select]\n", text);
        ch.Close();
    }

    [SkippableFact]
    public void GoroutineProfile_Pprof_IsReadByGoToolPprof()
    {
        var go = FindGo();
        Skip.If(go is null, "Go is not installed (apt-get install golang-go)");
        using var rt = new TestRuntime(2, trackCreationSites: true);
        var (ch, _) = ParkSome(rt);
        var file = Path.Combine(Path.GetTempPath(), $"weft-goroutine-{Guid.NewGuid():N}.pb");
        try
        {
            using (var f = File.Create(file)) Profiles.Goroutine(rt.Runtime).WritePprof(f);
            ch.Close();
            var psi = new ProcessStartInfo(go!, ["tool", "pprof", "-traces", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["HOME"] = Path.GetTempPath(); // pprof writes its settings under HOME
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(60_000), "go tool pprof did not finish");
            Assert.True(p.ExitCode == 0, $"go tool pprof failed: {stderr.Result}");
            var output = stdout.Result;
            Assert.Contains("[chan receive]", output);
            Assert.Contains("ReceiveForever", output);
            Assert.Contains("[select]", output);
            Assert.Matches(@"(?m)^\s+10\s", output); // the receive group's count
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string? FindGo()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "go"))) return Path.Combine(dir, "go");
        return null;
    }

    [Fact]
    public void BlockProfile_RecordsWaitingTimeByReasonAndSite_OnlyWhileEnabled()
    {
        using var rt = new TestRuntime(2);
        Profiles.ResetBlockProfile();
        Profiles.BlockProfileEnabled = true;
        try
        {
            rt.Run(async () =>
            {
                var ch = new Chan<int>();
                var mu = new Weft.Sync.Mutex();
                await mu.LockAsync();
                var done = new Chan<bool>();
                Go.Start(async () =>
                {
                    await mu.LockAsync(); // waits until main unlocks
                    mu.Unlock();
                    for (int i = 0; i < 100; i++) await ch.SendAsync(i);
                    await done.SendAsync(true);
                });
                await Go.Sleep(TimeSpan.FromMilliseconds(1));
                // Unlock only once the other goroutine is parked on the mutex (it may not have run yet on a busy machine).
                while (!Profiles.Goroutine().Records.Any(r => r.State == "sync.Mutex.Lock")) await Go.Yield();
                mu.Unlock();
                for (int i = 0; i < 100; i++) await ch.ReceiveAsync();
                await done.ReceiveAsync();
            });
        }
        finally
        {
            Profiles.BlockProfileEnabled = false;
        }

        // The profile is process-wide: other tests' runtimes may add records; this test's are the ones in its lambdas.
        var profile = Profiles.Block();
        var mine = profile.Records.Where(r => r.Site.Contains(nameof(BlockProfile_RecordsWaitingTimeByReasonAndSite_OnlyWhileEnabled), StringComparison.Ordinal)).ToList();
        // Counts, not durations: how long each wait lasts is up to the machine's scheduling.
        var mutex = Assert.Single(mine, r => r.Reason == "sync.Mutex.Lock");
        Assert.Equal(1, mutex.Count);
        Assert.True(mutex.Waited > TimeSpan.Zero);
        Assert.Equal(1, Assert.Single(mine, r => r.Reason == "sleep").Count);
        Assert.Contains(mine, r => r.Reason is "chan receive" or "chan send" && r.Count >= 1);
        Assert.Contains("[sync.Mutex.Lock]", profile.ToText());

        // Off: nothing more is recorded (this test's own sites; other runtimes cannot record either, the switch is global).
        static long Mine(BlockProfile p) => p.Records.Where(r => r.Site.Contains("OnlyWhileEnabled", StringComparison.Ordinal)).Sum(r => r.Count);
        long before = Mine(Profiles.Block());
        rt.Run(async () =>
        {
            var ch = new Chan<int>();
            Go.Start(async () => await ch.SendAsync(1));
            await Go.Sleep(TimeSpan.FromMilliseconds(1));
            await ch.ReceiveAsync();
        });
        Assert.Equal(before, Mine(Profiles.Block()));
    }
}
