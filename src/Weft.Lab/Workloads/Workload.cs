using Weft.Lab.Measurement;

namespace Weft.Lab.Workloads;

/// <summary>
/// One macro workload of DESIGN §1: a fixed name, fixed figures, and an implementation per in-process model
/// (<c>weft</c>, <c>tasks</c>, and <c>threads</c> where it makes sense), written side by side in one file so a reader
/// can check they do the same work.
/// </summary>
public abstract class Workload
{
    /// <summary>The fixed workload name (DESIGN §1), e.g. <c>skynet</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One line: what the workload does.</summary>
    public abstract string Description { get; }

    /// <summary>The figures it reports, in order.</summary>
    public abstract IReadOnlyList<FigureSpec> Figures { get; }

    /// <summary>The in-process models it runs, in order (<c>weft</c> first).</summary>
    public abstract IReadOnlyList<string> Models { get; }

    /// <summary>
    /// Models beyond the command's defaults that <c>bench</c> runs for this workload when <c>--models</c> is not
    /// given (the http workloads run Kestrel and Go's net/http as well).
    /// </summary>
    public virtual IReadOnlyList<string> ExtraDefaultModels => [];

    /// <summary>The size of DESIGN §1 (units, items, requests, or milliseconds for timed workloads).</summary>
    public abstract long DefaultSize { get; }

    /// <summary>The size used by <c>--quick</c>: seconds for the whole workload, enough to be representative.</summary>
    public abstract long QuickSize { get; }

    /// <summary>What the size counts, for help texts.</summary>
    public virtual string SizeUnit => "units";

    /// <summary>The size of the warm-up run before the measured one (0: no warm-up).</summary>
    public virtual long WarmupSize(long size) => Math.Max(1, size / 10);

    /// <summary>
    /// Measured runs per model; the run with the median first figure is reported, so one unlucky run (a GC, a
    /// tier-up compile in the middle, a noisy neighbour) moves no figure. Timed workloads that run for seconds use 1.
    /// </summary>
    public virtual int Repeats => 3;

    /// <summary>Makes a requested size valid for this workload (e.g. skynet needs a power of 10).</summary>
    public virtual long NormalizeSize(long size) => Math.Max(1, size);

    /// <summary>
    /// What a reader must know beside <paramref name="model"/>'s figures of this workload (what a figure includes, why
    /// a peer's figure is not like for like), or null. Printed with every table and chart that shows them.
    /// </summary>
    public virtual string? Caveat(string model) => null;

    /// <summary>Why <paramref name="model"/> cannot run on this machine (a tool it drives is not installed), or null.</summary>
    public virtual string? Unavailable(string model) => null;

    /// <summary>The figure spec named <paramref name="name"/>.</summary>
    public FigureSpec Spec(string name) => Figures.First(f => f.Name == name);

    /// <summary>
    /// Runs <paramref name="model"/> <see cref="Repeats"/> times at <paramref name="size"/>, after a warm-up run unless
    /// <paramref name="warmup"/> is false, and reports the median run. Never throws: a failure becomes a failed <see cref="ModelRun"/>.
    /// </summary>
    public ModelRun Run(string model, long size, bool warmup = true)
    {
        if (!Models.Contains(model)) return ModelRun.Skipped(Name, model, $"{Name} has no {model} model");
        if (Unavailable(model) is { } why) return ModelRun.Skipped(Name, model, why);
        size = NormalizeSize(size);
        try
        {
            if (warmup && WarmupSize(size) is > 0 and var w)
            {
                RunModel(model, NormalizeSize(w));
                Measure.Quiesce();
            }

            var runs = new List<Outcome>(Repeats);
            for (int i = 0; i < Math.Max(1, Repeats); i++)
            {
                runs.Add(RunModel(model, size));
                Measure.Quiesce();
            }

            string key = Figures[0].Name;
            var values = Measure.MedianBy(runs, r => r.Values.TryGetValue(key, out var v) ? v : double.MaxValue);
            var figures = new List<Figure>();
            foreach (var spec in Figures)
                if (values.Values.TryGetValue(spec.Name, out var v))
                    figures.Add(new Figure(Name, spec.Name, model, v, spec.Unit));
            return new ModelRun(Name, model, figures, values.Note) { Size = size };
        }
        catch (Exception e)
        {
            return ModelRun.Failure(Name, model, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Runs one model once and returns its figures by name. May throw.</summary>
    protected abstract Outcome RunModel(string model, long size);

    /// <summary>Throws for a model name the workload does not know (a bug in <see cref="Models"/>).</summary>
    protected Outcome UnknownModel(string model) =>
        throw new ArgumentOutOfRangeException(nameof(model), model, $"{Name}: unknown model");
}

/// <summary>The figures of one run by name, and an optional remark.</summary>
/// <param name="Values">Figure name → value.</param>
/// <param name="Note">A remark to print with the figures, or null.</param>
public sealed record Outcome(IReadOnlyDictionary<string, double> Values, string? Note = null)
{
    /// <summary>An outcome with one figure.</summary>
    public static Outcome Of(string name, double value, string? note = null) => new(new Dictionary<string, double> { [name] = value }, note);

    /// <summary>An outcome with several figures.</summary>
    public static Outcome Of(params (string Name, double Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value));
}

/// <summary>The in-process model names.</summary>
public static class Models
{
    /// <summary>Weft goroutines, channels and timers.</summary>
    public const string Weft = "weft";

    /// <summary>Weft with the blocking calls declared through <c>Go.Blocking</c> (the <c>blocking</c> workload).</summary>
    public const string WeftDeclared = "weft-declared";

    /// <summary>async Task + Task.Run + ThreadPool + System.Threading.Channels: what a C# user writes today.</summary>
    public const string Tasks = "tasks";

    /// <summary>
    /// <c>skynet</c> with every node started by <c>Task.Run</c> instead of called: what scheduling every unit
    /// independently costs on the ThreadPool (the <c>tasks</c> model calls the async method directly).
    /// </summary>
    public const string TasksRun = "tasks-run";

    /// <summary>
    /// <c>spawn</c> with each unit started by a plain async call (<c>_ = Body()</c>): lighter than <c>Task.Run</c>, but
    /// the unit runs on the caller's thread until its first await and is not scheduled on its own before that.
    /// </summary>
    public const string TasksCall = "tasks-call";

    /// <summary>
    /// <c>hog</c> and <c>blocking</c> with the CPU-bound or blocking units started with
    /// <c>TaskCreationOptions.LongRunning</c>: each gets a dedicated thread outside the pool, as a C# user is told to do.
    /// </summary>
    public const string TasksLong = "tasks-long";

    /// <summary>Dedicated OS threads.</summary>
    public const string Threads = "threads";

    /// <summary>ASP.NET Core's Kestrel (the http workloads' .NET anchor).</summary>
    public const string Kestrel = "kestrel";

    /// <summary>Proto.Actor 1.8.0 (NuGet), the <c>actors</c> workload's in-process peer.</summary>
    public const string ProtoActor = "protoactor";

    /// <summary>Akka.NET 1.5 (NuGet), the <c>actors</c> workload's other in-process peer.</summary>
    public const string Akka = "akka";

    /// <summary>The peers, run as external programs when their toolchains are installed.</summary>
    public static readonly IReadOnlyList<string> Peers = ["go", "erlang", "node", "python", "java", "tokio"];

    /// <summary>The in-process models.</summary>
    public static readonly IReadOnlyList<string> InProcess = [Weft, WeftDeclared, Tasks, TasksRun, TasksCall, TasksLong, Threads, Kestrel, ProtoActor, Akka];

    /// <summary>The base model name of a variant (<c>weft-declared</c> → <c>weft</c>, <c>tasks-run</c> → <c>tasks</c>).</summary>
    public static string Family(string model) => model switch
    {
        WeftDeclared => Weft,
        TasksRun or TasksCall or TasksLong => Tasks,
        _ => model,
    };
}
