// The Lab's planted bugs (src/Weft.Lab/Explore/PlantedBugs.cs) written with Tasks, for Microsoft.Coyote 1.7.11.
// Each `await Task.Yield()` sits where the Weft version has `await Go.Yield()`. Run after `coyote rewrite`.
// Usage: CoyoteBugs <explorations> <timed-schedules>; prints "figure<TAB>value<TAB>unit" lines.
using System.Diagnostics;
using Microsoft.Coyote;
using Microsoft.Coyote.Random;
using Microsoft.Coyote.Specifications;
using Microsoft.Coyote.SystematicTesting;

int explorations = args.Length > 0 ? int.Parse(args[0]) : 20;
int timed = args.Length > 1 ? int.Parse(args[1]) : 500;
var bugs = new (string Name, Func<Task> Body)[]
{
    ("lost_update", Bugs.LostUpdate), ("check_then_act", Bugs.CheckThenAct), ("missed_wakeup", Bugs.MissedWakeup),
    ("aba", Bugs.Aba), ("select_deadlock", Bugs.SelectDeadlock), ("close_race", Bugs.CloseRace),
};

foreach (var (name, body) in bugs)
{
    foreach (var strategy in new[] { "random", "pct" })
    {
        double total = 0;
        for (int e = 0; e < explorations; e++)
        {
            var report = Run(body, strategy, 1000, (uint)((e + 1) * 7919), toCompletion: false);
            total += report.NumOfFoundBugs > 0 ? report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths : 1000;
        }

        Run(body, strategy, 50, 1, toCompletion: true); // warm-up
        var clock = Stopwatch.StartNew();
        var timedReport = Run(body, strategy, timed, 1, toCompletion: true);
        double us = clock.Elapsed.TotalMicroseconds / Math.Max(1, timedReport.NumOfExploredFairPaths + timedReport.NumOfExploredUnfairPaths);
        string prefix = strategy == "random" ? name : $"{name}_{strategy}";
        Console.WriteLine($"{prefix}_schedules\t{total / explorations}\tschedules");
        Console.WriteLine($"{prefix}_us_per_schedule\t{us}\tus");
    }
}

static TestReport Run(Func<Task> body, string strategy, int iterations, uint seed, bool toCompletion)
{
    var config = Configuration.Create().WithTestingIterations((uint)iterations).WithRandomGeneratorSeed(seed).WithTelemetryEnabled(false);
    config = strategy == "pct" ? config.WithPrioritizationStrategy(false, 3) : config.WithRandomStrategy();
    if (toCompletion) config = config.WithTestIterationsRunToCompletion();
    var engine = TestingEngine.Create(config, body);
    engine.Run();
    return engine.TestReport;
}

static class Bugs
{
    public static async Task LostUpdate()
    {
        int counter = 0;
        async Task Increment()
        {
            int seen = counter;
            await Task.Yield();
            counter = seen + 1;
        }

        await Task.WhenAll(Task.Run(Increment), Task.Run(Increment));
        Specification.Assert(counter == 2, $"lost update: counter is {counter}");
    }

    /// <summary>A bounded queue of capacity 1 with a racy Count check (the channel's Len) and a TryAdd (TrySend).</summary>
    private sealed class BoundedQueue
    {
        private readonly object _lock = new();
        private readonly Queue<int> _items = new();
        public int Count { get { lock (_lock) return _items.Count; } }
        public bool TryAdd(int item)
        {
            lock (_lock)
            {
                if (_items.Count >= 1) return false;
                _items.Enqueue(item);
                return true;
            }
        }
    }

    public static async Task CheckThenAct()
    {
        var queue = new BoundedQueue();
        async Task Produce(int item)
        {
            if (queue.Count < 1)
            {
                await Task.Yield();
                Specification.Assert(queue.TryAdd(item), "check-then-act: the queue was full although Count said there was room");
            }
        }

        await Task.WhenAll(Task.Run(() => Produce(0)), Task.Run(() => Produce(1)));
    }

    /// <summary>A signal lost when nobody waits (an unbuffered channel's TrySend, a Monitor.Pulse).</summary>
    private sealed class Signal
    {
        private TaskCompletionSource? _waiter;
        public Task WaitAsync() => (_waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        public void Notify() => _waiter?.TrySetResult();
    }

    public static async Task MissedWakeup()
    {
        bool ready = false;
        var wake = new Signal();
        var waiter = Task.Run(async () =>
        {
            if (!ready)
            {
                await Task.Yield();
                await wake.WaitAsync();
            }
        });
        var notifier = Task.Run(async () =>
        {
            await Task.Yield();
            ready = true;
            wake.Notify();
        });
        await Task.WhenAll(waiter, notifier);
    }

    private sealed class Node(int value)
    {
        public readonly int Value = value;
        public Node? Next;
    }

    private sealed class TreiberStack
    {
        private Node? _head;

        public void Push(Node node)
        {
            Node? head;
            do
            {
                head = Volatile.Read(ref _head);
                node.Next = head;
            }
            while (Interlocked.CompareExchange(ref _head, node, head) != head);
        }

        public async Task<Node?> PopAsync(bool slow)
        {
            while (true)
            {
                var head = Volatile.Read(ref _head);
                if (head is null) return null;
                var next = head.Next;
                if (slow) await Task.Yield();
                if (Interlocked.CompareExchange(ref _head, next, head) == head) return head;
            }
        }

        public List<int> Contents()
        {
            var values = new List<int>();
            for (var n = _head; n is not null && values.Count < 10; n = n.Next) values.Add(n.Value);
            return values;
        }
    }

    public static async Task Aba()
    {
        var stack = new TreiberStack();
        for (int v = 3; v >= 1; v--) stack.Push(new Node(v));
        Node? takenByA = null, keptByB = null;
        var a = Task.Run(async () => takenByA = await stack.PopAsync(slow: true));
        var b = Task.Run(async () =>
        {
            var first = await stack.PopAsync(slow: false);
            await Task.Yield();
            keptByB = await stack.PopAsync(slow: false);
            await Task.Yield();
            if (first is not null) stack.Push(first);
        });
        await Task.WhenAll(a, b);
        var contents = stack.Contents();
        Specification.Assert(keptByB is null || !contents.Contains(keptByB.Value), $"ABA: node {keptByB?.Value} is held and still on the stack");
        Specification.Assert(takenByA is null || !contents.Contains(takenByA.Value) || takenByA == keptByB, $"ABA: node {takenByA?.Value} was popped and is still on the stack");
    }

    public static async Task SelectDeadlock()
    {
        // Two one-token semaphores stand for the two buffered channels; "select" takes whichever token is there, in a
        // random poll order (Coyote's controlled Generator), as Weft's select does, and waits if neither is.
        var left = new SemaphoreSlim(1, 1);
        var right = new SemaphoreSlim(1, 1);
        async Task Worker()
        {
            var random = Generator.Create();
            SemaphoreSlim first, other;
            while (true)
            {
                bool leftFirst = random.NextBoolean();
                var (p, q) = leftFirst ? (left, right) : (right, left);
                if (p.Wait(0)) { (first, other) = (p, q); break; }
                if (q.Wait(0)) { (first, other) = (q, p); break; }
                await Task.Yield();
            }

            await Task.Yield(); // Weft's select is an await point: another goroutine may run here
            await other.WaitAsync();
            first.Release();
            other.Release();
        }

        await Task.WhenAll(Task.Run(Worker), Task.Run(Worker));
    }

    /// <summary>An unbuffered hand-off with Go's close: a send after (or parked across) a close throws.</summary>
    private sealed class Rendezvous
    {
        private readonly object _lock = new();
        private bool _closed;
        private (int Value, TaskCompletionSource Ack)? _offer;
        private TaskCompletionSource<int>? _receiver;

        public Task SendAsync(int value)
        {
            lock (_lock)
            {
                if (_closed) throw new InvalidOperationException("send on closed channel");
                if (_receiver is { } r)
                {
                    _receiver = null;
                    r.TrySetResult(value);
                    return Task.CompletedTask;
                }

                var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _offer = (value, ack);
                return ack.Task;
            }
        }

        public Task<int> ReceiveAsync()
        {
            lock (_lock)
            {
                if (_offer is { } o)
                {
                    _offer = null;
                    o.Ack.TrySetResult();
                    return Task.FromResult(o.Value);
                }

                return (_receiver = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }

        public void Close()
        {
            lock (_lock)
            {
                _closed = true;
                _offer?.Ack.TrySetException(new InvalidOperationException("send on closed channel"));
                _offer = null;
            }
        }
    }

    public static async Task CloseRace()
    {
        var items = new Rendezvous();
        bool stopped = false;
        var producer = Task.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                if (Volatile.Read(ref stopped)) break;
                await Task.Yield();
                await items.SendAsync(i);
            }
        });
        await items.ReceiveAsync();
        Volatile.Write(ref stopped, true);
        items.Close();
        await producer;
    }
}
