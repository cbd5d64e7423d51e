namespace Weft.Tracing;

/// <summary>
/// <c>WEFT_TRACE=file</c>: the first runtime of the process starts a trace of every runtime, written to that file
/// when the process exits (or when <see cref="Trace.Stop"/> is called first).
/// </summary>
internal static class TraceEnvironment
{
    public const string Variable = "WEFT_TRACE";

    private static int s_checked;

    public static void StartIfRequested()
    {
        if (Interlocked.Exchange(ref s_checked, 1) != 0) return;
        var path = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(path) || Trace.IsRecording) return;
        try
        {
            Trace.Start(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Console.Error.WriteLine($"weft: {Variable}={path}: cannot start the trace: {e.Message}");
            return;
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (!Trace.IsRecording) return;
            try
            {
                Trace.Stop();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"weft: {Variable}={path}: cannot write the trace: {e.Message}");
            }
        };
    }
}
