namespace Weft.Tests.Channels;

/// <summary>
/// Selects over channels of different element types (issue 17, bug 1): the lock order must be process-wide, not per
/// element type. A channel id counter that was a static of <c>Chan&lt;T&gt;</c> numbered each element type's channels
/// from 1, so a select over a <c>Chan&lt;int&gt;</c> and a <c>Chan&lt;long&gt;</c> with equal ids locked only one of
/// them: values were lost, selects returned the wrong case, false deadlocks and hangs followed.
/// </summary>
[Collection(StressCollection.Name)]
public sealed class MixedTypeSelectTests
{
    public static TheoryData<int> Procs => new() { 1, 2, 4 };

    [Fact]
    public void ChannelsOfDifferentElementTypes_HaveDistinctIds()
    {
        var ids = new HashSet<long>();
        for (int i = 0; i < 50; i++)
        {
            Assert.True(ids.Add(((Weft.Channels.ISelectableChan)new Chan<int>()).Id));
            Assert.True(ids.Add(((Weft.Channels.ISelectableChan)new Chan<long>()).Id));
            Assert.True(ids.Add(((Weft.Channels.ISelectableChan)new Chan<DateTime>(1)).Id));
            Assert.True(ids.Add(((Weft.Channels.ISelectableChan)new Chan<string>(4)).Id));
        }
    }

    /// <summary>Four senders on a Chan&lt;long&gt;, four receivers selecting over it and an idle Chan&lt;int&gt;: every value exactly once.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void SelectOverIdleIntAndDataLong_EveryValueExactlyOnce(int procs)
    {
        const int senders = 4, receivers = 4, perSender = 5_000;
        using var rt = new TestRuntime(procs);
        for (int round = 0; round < 3; round++)
        {
            var counts = new int[senders * perSender];
            rt.Run(async () =>
            {
                var idle = new Chan<int>();
                var data = new Chan<long>(round == 0 ? 0 : 8);
                var sendersDone = new Chan<bool>(senders);
                var receiversDone = new Chan<bool>(receivers);
                for (int s = 0; s < senders; s++)
                {
                    int id = s;
                    Go.Start(async () =>
                    {
                        for (int i = 0; i < perSender; i++) await data.SendAsync(id * perSender + i);
                        await sendersDone.SendAsync(true);
                    });
                }

                for (int r = 0; r < receivers; r++)
                {
                    Go.Start(async () =>
                    {
                        while (true)
                        {
                            var sel = await Select.Of(Select.Receive(idle), Select.Receive(data));
                            Assert.Equal(1, sel.Index); // nobody sends on idle, nobody closes it
                            if (!sel.Ok) break;
                            Interlocked.Increment(ref counts[sel.Value<long>()]);
                        }

                        await receiversDone.SendAsync(true);
                    });
                }

                for (int s = 0; s < senders; s++) await sendersDone.ReceiveAsync();
                data.Close();
                for (int r = 0; r < receivers; r++) await receiversDone.ReceiveAsync();
            });
            Assert.All(counts, c => Assert.Equal(1, c));
        }
    }

    /// <summary>The README's pattern: a data channel beside a Time.After channel (Chan&lt;DateTime&gt;), under load.</summary>
    [Theory]
    [MemberData(nameof(Procs))]
    public void SelectOverDataAndTimerChannels_EveryValueExactlyOnce(int procs)
    {
        const int senders = 4, perSender = 3_000;
        using var rt = new TestRuntime(procs);
        var counts = new int[senders * perSender];
        int timeouts = 0;
        rt.Run(async () =>
        {
            var data = new Chan<int>();
            var done = new Chan<bool>(senders + 4);
            for (int s = 0; s < senders; s++)
            {
                int id = s;
                Go.Start(async () =>
                {
                    for (int i = 0; i < perSender; i++) await data.SendAsync(id * perSender + i);
                    await done.SendAsync(true);
                });
            }

            int finished = 0;
            for (int r = 0; r < 4; r++)
            {
                Go.Start(async () =>
                {
                    var stop = Time.After(TimeSpan.FromMinutes(5)); // a hang guard that is also a live timer channel
                    while (true)
                    {
                        var sel = await Select.Of(Select.Receive(data), Select.Receive(stop), Select.Receive(Time.After(TimeSpan.FromMilliseconds(50))));
                        if (sel.Index == 1) throw new TimeoutException("receiver hang guard");
                        if (sel.Index == 2)
                        {
                            Interlocked.Increment(ref timeouts);
                            if (Volatile.Read(ref finished) == senders) break;
                            continue;
                        }

                        Assert.True(sel.Ok);
                        Interlocked.Increment(ref counts[sel.Value<int>()]);
                    }

                    await done.SendAsync(true);
                });
            }

            for (int s = 0; s < senders; s++) { await done.ReceiveAsync(); Interlocked.Increment(ref finished); }
            for (int r = 0; r < 4; r++) await done.ReceiveAsync();
        });
        Assert.All(counts, c => Assert.Equal(1, c));
        Assert.True(timeouts >= 4);
    }
}
