using System.Runtime.InteropServices;

namespace Weft.Diagnostics;

/// <summary>
/// SIGQUIT (Ctrl-\) writes every live runtime's goroutine dump to its diagnostic output, like Go's traceback on
/// SIGQUIT, and keeps the process running unless a runtime was started with <c>WEFT_DEBUG=sigquitexit=1</c>.
/// </summary>
internal static class SigQuit
{
    private static readonly object s_lock = new();
    private static PosixSignalRegistration? s_registration;

    /// <summary>Installs the handler once per process (the runtimes it dumps are <see cref="LiveRuntimes"/>).</summary>
    public static void EnsureInstalled()
    {
        if (OperatingSystem.IsWindows()) return;
        lock (s_lock)
        {
            try
            {
                s_registration ??= PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
            }
            catch (PlatformNotSupportedException)
            {
            }
        }
    }

    private static void OnSignal(PosixSignalContext context)
    {
        bool exit = false;
        foreach (var runtime in LiveRuntimes.Snapshot())
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
