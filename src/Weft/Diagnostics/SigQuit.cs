using System.Runtime.InteropServices;

namespace Weft.Diagnostics;

/// <summary>
/// SIGQUIT (Ctrl-\) writes every live runtime's goroutine dump to its diagnostic output, like Go's traceback on
/// SIGQUIT, and keeps the process running unless a runtime was started with <c>WEFT_DEBUG=sigquitexit=1</c>.
/// </summary>
internal static class SigQuit
{
    private static readonly object s_lock = new();
    private static readonly List<WeakReference<GoRuntime>> s_runtimes = new();
    private static PosixSignalRegistration? s_registration;

    public static void Register(GoRuntime runtime)
    {
        if (OperatingSystem.IsWindows()) return;
        lock (s_lock)
        {
            s_runtimes.Add(new WeakReference<GoRuntime>(runtime));
            try
            {
                s_registration ??= PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    public static void Unregister(GoRuntime runtime)
    {
        lock (s_lock) s_runtimes.RemoveAll(w => !w.TryGetTarget(out var r) || r == runtime);
    }

    private static void OnSignal(PosixSignalContext context)
    {
        bool exit = false;
        List<GoRuntime> live = new();
        lock (s_lock)
        {
            foreach (var weak in s_runtimes)
                if (weak.TryGetTarget(out var runtime) && !runtime.IsDisposed) live.Add(runtime);
        }

        foreach (var runtime in live)
        {
            var output = runtime.DiagnosticOutput;
            string dump;
            try
            {
                dump = runtime.Dump();
            }
            catch (Exception e)
            {
                dump = $"(dump failed: {e.Message})";
            }

            lock (output)
            {
                output.WriteLine($"SIGQUIT: goroutine dump of runtime '{runtime.Options.Name}'");
                output.WriteLine();
                output.WriteLine(dump);
                output.Flush();
            }

            exit |= runtime.Debug.SigQuitExit;
        }

        if (exit)
        {
            context.Cancel = true;
            Environment.Exit(2);
        }

        context.Cancel = true; // keep running
    }
}
