using Weft.Testing;

namespace Weft.Lab.Explore;

/// <summary>
/// Sample programs with planted concurrency bugs, each written for Weft (goroutines, channels, select) and, in
/// the Lab's Coyote peer (Peers/coyote), the same bug with Tasks for Microsoft.Coyote. Every program is correct in most
/// schedules; the explorer's job is to find the ones where it is not. <c>await Go.Yield()</c> marks "other work
/// happens here" (the window the bug needs); Coyote's versions use <c>await Task.Yield()</c> at the same places.
/// </summary>
public static class PlantedBugs
{
    /// <summary>The bugs, by the names the Lab and <c>bench explore</c> print.</summary>
    public static IReadOnlyList<PlantedBug> All { get; } =
    [
        new("lost_update", "read, await, write of a shared counter without a mutex", LostUpdate),
        new("check_then_act", "two producers check a channel's Len before a TrySend", CheckThenAct),
        new("missed_wakeup", "a flag checked outside a lock: the signal comes before the wait", MissedWakeup),
        new("aba", "a Treiber stack pops by reference CAS while a popped node is recycled", Aba),
        new("select_deadlock", "two goroutines take two channel tokens in the order their selects chose", SelectDeadlock),
        new("close_race", "a consumer closes an unbuffered channel while the producer is between its check and its send", CloseRace),
    ];

    /// <summary>Finds a bug by name.</summary>
    /// <exception cref="ArgumentException">No bug has that name.</exception>
    public static PlantedBug Named(string name) =>
        All.FirstOrDefault(b => b.Name == name) ??
        throw new ArgumentException($"no planted bug named '{name}'; known: {string.Join(", ", All.Select(b => b.Name))}", nameof(name));

    private static async GoTask LostUpdate()
    {
        int counter = 0;
        var wg = new Sync.WaitGroup();
        for (int i = 0; i < 2; i++)
        {
            wg.Go(async () =>
            {
                int seen = counter;
                await Go.Yield(); // the window
                counter = seen + 1;
            });
        }

        await wg.WaitAsync();
        Sim.Assert(counter == 2, $"lost update: counter is {counter} after two increments");
    }

    private static async GoTask CheckThenAct()
    {
        var queue = new Chan<int>(1);
        var wg = new Sync.WaitGroup();
        for (int i = 0; i < 2; i++)
        {
            int item = i;
            wg.Go(async () =>
            {
                if (queue.Len < queue.Cap)
                {
                    await Go.Yield(); // the window
                    Sim.Assert(queue.TrySend(item), "check-then-act: the channel was full although Len said there was room");
                }
            });
        }

        await wg.WaitAsync();
    }

    private static async GoTask MissedWakeup()
    {
        bool ready = false;
        var wake = new Chan<bool>(); // unbuffered: TrySend is a signal that is lost when nobody waits yet
        var done = new Chan<bool>(1);
        Go.Start(async () =>
        {
            if (!ready)
            {
                await Go.Yield(); // the window between the check and the wait
                await wake.ReceiveAsync();
            }

            await done.SendAsync(true);
        });
        Go.Start(async () =>
        {
            await Go.Yield();
            ready = true;
            wake.TrySend(true);
        });
        await done.ReceiveAsync(); // a missed wake-up: the waiter blocks forever (a deadlock)
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

        public async GoTask<Node?> PopAsync(bool slow)
        {
            while (true)
            {
                var head = Volatile.Read(ref _head);
                if (head is null) return null;
                var next = head.Next;
                if (slow) await Go.Yield(); // the window between reading head.Next and the CAS
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

    private static async GoTask Aba()
    {
        var stack = new TreiberStack();
        for (int v = 3; v >= 1; v--) stack.Push(new Node(v)); // 1 -> 2 -> 3
        var wg = new Sync.WaitGroup();
        Node? takenByA = null, keptByB = null;
        wg.Go(async () => takenByA = await stack.PopAsync(slow: true));
        wg.Go(async () =>
        {
            var first = await stack.PopAsync(slow: false);
            await Go.Yield();
            keptByB = await stack.PopAsync(slow: false);
            await Go.Yield();
            if (first is not null) stack.Push(first); // recycled: the same object goes back on top
        });
        await wg.WaitAsync();
        var contents = stack.Contents();
        Sim.Assert(keptByB is null || !contents.Contains(keptByB.Value),
            $"ABA: node {keptByB?.Value} is held by a goroutine and still on the stack ({string.Join(" -> ", contents)})");
        Sim.Assert(takenByA is null || !contents.Contains(takenByA.Value) || takenByA == keptByB,
            $"ABA: node {takenByA?.Value} was popped and is still on the stack");
    }

    private static async GoTask SelectDeadlock()
    {
        var left = new Chan<int>(1);
        var right = new Chan<int>(1);
        left.TrySend(0);
        right.TrySend(0);
        var wg = new Sync.WaitGroup();
        for (int i = 0; i < 2; i++)
        {
            wg.Go(async () =>
            {
                // Take either token first (the select picks), then the other one: a deadlock when the two goroutines
                // picked different tokens before either took its second.
                var first = await Select.Of(Select.Receive(left), Select.Receive(right));
                var other = first.Index == 0 ? right : left;
                var mine = first.Index == 0 ? left : right;
                await other.ReceiveAsync();
                mine.TrySend(0);
                other.TrySend(0);
            });
        }

        await wg.WaitAsync();
    }

    private static async GoTask CloseRace()
    {
        var items = new Chan<int>();
        bool stopped = false;
        var finished = new Chan<bool>(1);
        Go.Start(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                if (Volatile.Read(ref stopped)) break;
                await Go.Yield(); // the window between the check and the send
                await items.SendAsync(i); // throws ChannelClosedException when the close came first
            }

            await finished.SendAsync(true);
        });
        await items.ReceiveAsync();
        Volatile.Write(ref stopped, true);
        items.Close();
        await finished.ReceiveAsync();
    }
}

/// <summary>A planted bug: its name, what it is, and the Weft program that has it.</summary>
/// <param name="Name">The name <c>bench explore</c> prints (<c>lost_update</c>, ...).</param>
/// <param name="Description">One line on the bug.</param>
/// <param name="Body">The program, for <see cref="Sim.Explore"/>.</param>
public sealed record PlantedBug(string Name, string Description, Func<GoTask> Body);
