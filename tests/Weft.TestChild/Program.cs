using System.Runtime.CompilerServices;
using Weft;

// Each mode exercises one process-wide behaviour of the default runtime. The tests in
// tests/Weft.Tests/Scheduling/ChildProcessTests.cs run this program and check its output and exit code.
// Exit code 3 means "the behaviour under test did not happen" (e.g. a panic did not end the process).
return args.Length == 0 ? Usage() : args[0] switch
{
    "panic-gotask" => PanicGoTask(),
    "panic-action" => PanicAction(),
    "panic-task" => PanicTask(),
    "schedtrace" => SchedTrace(args),
    "maxprocs" => PrintMaxProcs(),
    "thread-cap" => ThreadCap(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Weft.TestChild panic-gotask|panic-action|panic-task|schedtrace|maxprocs|thread-cap");
    return 64;
}

// An exception escaping an async GoTask goroutine after a suspension: the runtime must print the panic and exit 2.
static int PanicGoTask()
{
    Go.Start(async () =>
    {
        await Go.Yield();
        Thrower.Throw("boom from a GoTask goroutine");
    });
    return WaitForPanic();
}

// An exception escaping a synchronous goroutine body.
static int PanicAction()
{
    Go.Start(() => Thrower.Throw("boom from an Action goroutine"));
    return WaitForPanic();
}

// An exception escaping a Task-based goroutine body after a foreign await.
static int PanicTask()
{
    Go.Start((Func<Task>)(async () =>
    {
#pragma warning disable WEFT002 // the point of this case: a panic after a foreign (Task) await
        await Task.Delay(1);
#pragma warning restore WEFT002
        Thrower.Throw("boom from a Task goroutine");
    }));
    return WaitForPanic();
}

static int WaitForPanic()
{
    // The panic ends the process long before this; if it does not, say so with a distinct exit code.
    Thread.Sleep(TimeSpan.FromSeconds(30));
    Console.Error.WriteLine("no panic within 30 s");
    return 3;
}

// Runs goroutines for a while with WEFT_DEBUG=schedtrace=N set by the parent; the runtime prints SCHED lines.
static int SchedTrace(string[] args)
{
    int ms = args.Length > 1 ? int.Parse(args[1]) : 350;
    Go.Run(async () =>
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(ms);
        while (DateTime.UtcNow < deadline)
        {
            for (int i = 0; i < 4; i++) Go.Start(async () => await Go.Sleep(1));
            await Go.Sleep(5);
        }
    });
    return 0;
}

// Prints the default runtime's MaxProcs (WEFT_MAXPROCS and the cgroup quota decide it).
static int PrintMaxProcs()
{
    Console.WriteLine(Go.MaxProcs);
    return 0;
}

// A runtime allowed fewer threads than it needs: DESIGN §2 says exceeding the cap is a clear fatal error, not a hang.
static int ThreadCap()
{
    var runtime = new GoRuntime(new GoOptions { MaxProcs = 2, MaxThreads = 1 });
#pragma warning disable WEFT001 // each goroutine must hold a thread to exceed the cap
    for (int i = 0; i < 2; i++) runtime.Start(() => Thread.Sleep(TimeSpan.FromSeconds(5)));
#pragma warning restore WEFT001
    return WaitForPanic();
}

static class Thrower
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Throw(string message) => throw new InvalidOperationException(message);
}
