namespace Weft.Tests.Net;

public sealed class EchoTests : NetTestBase
{
    /// <summary>
    /// 1,000 clients at once, each sending a pseudo-random amount in pseudo-random chunks and reading it all back:
    /// the server echoes each connection in its own goroutine; every byte is accounted for on both sides.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Echo_ThousandConcurrentClients_EveryByteComesBack(int procs)
    {
        using var rt = new TestRuntime(procs);
        const int clients = 1000;
        long serverBytes = 0;
        long clientBytes = rt.Run(async () =>
        {
            using var listener = Weft.Net.Listen(Loopback);
            var accepting = Go.Spawn(async () =>
            {
                var handlers = new List<GoTask>();
                for (int i = 0; i < clients; i++)
                {
                    var conn = await listener.AcceptAsync();
                    handlers.Add(Go.Spawn(async () =>
                    {
                        using (conn)
                        {
                            var buffer = new byte[4096];
                            while (true)
                            {
                                int n = await conn.ReadAsync(buffer);
                                if (n == 0) break;
                                Interlocked.Add(ref serverBytes, n);
                                await conn.WriteAsync(buffer.AsMemory(0, n));
                            }

                            conn.CloseWrite();
                        }
                    }));
                }

                foreach (var h in handlers) await h;
            });

            var clientTasks = new GoTask<long>[clients];
            for (int c = 0; c < clients; c++)
            {
                int seed = c;
                clientTasks[c] = Go.Spawn(async () =>
                {
                    var random = new Random(seed);
                    int total = random.Next(1, 20_000);
                    var payload = new byte[total];
                    random.NextBytes(payload);
                    using var conn = await Weft.Net.DialAsync(listener.LocalEndPoint);
                    var reader = Go.Spawn(async () =>
                    {
                        var received = new byte[total + 1];
                        int got = 0;
                        while (true)
                        {
                            int n = await conn.ReadAsync(received.AsMemory(got));
                            if (n == 0) break;
                            got += n;
                        }

                        Assert.Equal(total, got);
                        Assert.True(payload.AsSpan().SequenceEqual(received.AsSpan(0, got)), "echoed bytes differ");
                        return (long)got;
                    });
                    for (int sent = 0; sent < total;)
                    {
                        int chunk = Math.Min(total - sent, random.Next(1, 3000));
                        await conn.WriteAsync(payload.AsMemory(sent, chunk));
                        sent += chunk;
                    }

                    conn.CloseWrite();
                    return await reader;
                });
            }

            long sum = 0;
            foreach (var t in clientTasks) sum += await t;
            await accepting;
            return sum;
        });

        Assert.Equal(clientBytes, Interlocked.Read(ref serverBytes));
        long expected = 0;
        for (int c = 0; c < clients; c++) expected += new Random(c).Next(1, 20_000);
        Assert.Equal(expected, clientBytes);
    }
}
