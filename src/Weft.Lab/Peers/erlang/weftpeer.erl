%% weftpeer: the Erlang peer of the Weft Lab. Each workload does the work of the Lab's Weft version
%% (src/Weft.Lab/Workloads/*.cs) with processes and messages, and prints lines the Lab parses:
%%   result <workload> <figure> <value> <unit>
%%   check <workload> <name> <value>
%%   error <message>
%% Usage: erlc weftpeer.erl && erl -noshell +P 5000000 -run weftpeer main <workload> <size> [<warm-up size> [<runs>]]
-module(weftpeer).
-export([main/1]).
%% The supervisor callback and child start function of the actors workload's restart figure.
-export([init/1, start_worker/1]).

main([W, SizeText]) -> main([W, SizeText, "0", "1"]);
main([W, SizeText, WarmText]) -> main([W, SizeText, WarmText, "1"]);
main([W, SizeText, WarmText, RunsText]) ->
    try
        N = list_to_integer(SizeText),
        Warm = list_to_integer(WarmText),
        Runs = list_to_integer(RunsText),
        case Warm > 0 of true -> run(W, Warm, false); false -> ok end,
        [run(W, N, true) || _ <- lists:seq(1, Runs)]
    catch
        C:E -> io:format("error ~p:~p~n", [C, E])
    end,
    halt(0);
main(_) ->
    io:format("error usage: weftpeer <workload> <size> [<warm-up size> [<measured runs>]]~n"),
    halt(2).

%% Like the Lab's own models: the Lab passes a warm-up size (run without reporting) and a number of measured runs,
%% each of which prints its result lines; the Lab reports the median run.
run("spawn", N, Report) -> spawn_bench(N, Report);
run("skynet", N, Report) -> skynet(N, Report);
run("pingpong", N, Report) -> pingpong(N, Report);
run("hog", N, Report) -> hog(N, Report);
run("sleep", N, Report) ->
    Rate = sleep_rate(N),
    case Report of true -> result("sleep", "wakeups_per_s", Rate, "1/s"); false -> ok end;
run("yield", N, Report) -> yield_bench(N, Report);
run("c10k", N, Report) -> c10k(N, Report);
run("actors", N, Report) -> actors(N, Report);
run(W, _, _) -> io:format("error unknown workload ~s~n", [W]).

now_ms() -> erlang:monotonic_time(nanosecond) / 1.0e6.

result(W, Figure, Value, Unit) ->
    io:format("result ~s ~s ~s ~s~n", [W, Figure, float_to_list(float(Value), [{decimals, 3}]), Unit]).

check(W, Name, Value) -> io:format("check ~s ~s ~p~n", [W, Name, Value]).

wait_counter(C, N) ->
    case counters:get(C, 1) >= N of
        true -> ok;
        false -> timer:sleep(1), wait_counter(C, N)
    end.

%% spawn: N processes monitor one gate process and wait in receive; killing the gate releases them all
%% (the 'DOWN' broadcast is Erlang's close(gate)). bytes_per_unit: growth of the VM's memory ÷ N.
spawn_bench(N, Report) ->
    Gate = spawn(fun() -> receive stop -> ok end end),
    Parked = counters:new(1, [write_concurrency]),
    Done = counters:new(1, [write_concurrency]),
    erlang:garbage_collect(),
    M0 = erlang:memory(total),
    T0 = now_ms(),
    spawn_units(N, Gate, Parked, Done),
    wait_counter(Parked, N),
    El = now_ms() - T0,
    erlang:garbage_collect(),
    M1 = erlang:memory(total),
    Gate ! stop,
    wait_counter(Done, N),
    case Report of
        true ->
            result("spawn", "bytes_per_unit", (M1 - M0) / N, "bytes"),
            result("spawn", "ns_per_spawn", El * 1.0e6 / N, "ns");
        false -> ok
    end.

spawn_units(0, _, _, _) -> ok;
spawn_units(K, Gate, Parked, Done) ->
    spawn(fun() ->
        Ref = erlang:monitor(process, Gate),
        counters:add(Parked, 1, 1),
        receive {'DOWN', Ref, process, _, _} -> counters:add(Done, 1, 1) end
    end),
    spawn_units(K - 1, Gate, Parked, Done).

%% skynet: leaves send their number to the parent's mailbox; parents sum 10 messages and send the sum up.
skynet(N, Report) ->
    Self = self(),
    T0 = now_ms(),
    spawn(fun() -> skynet_node(Self, 0, N) end),
    Sum = receive {sum, S} -> S end,
    El = now_ms() - T0,
    case Report of
        true -> result("skynet", "ms", El, "ms"), check("skynet", "sum", Sum);
        false -> ok
    end.

skynet_node(Parent, Num, 1) -> Parent ! {sum, Num};
skynet_node(Parent, Num, Size) ->
    Sub = Size div 10,
    Self = self(),
    [spawn(fun() -> skynet_node(Self, Num + I * Sub, Sub) end) || I <- lists:seq(0, 9)],
    Parent ! {sum, collect(10, 0)}.

collect(0, Sum) -> Sum;
collect(K, Sum) -> receive {sum, V} -> collect(K - 1, Sum + V) end.

%% pingpong: two processes bounce a value through their mailboxes.
pingpong(N, Report) ->
    Self = self(),
    Echo = spawn(fun() -> echo(Self, N) end),
    T0 = now_ms(),
    Sum = ping(Echo, 0, N, 0),
    El = now_ms() - T0,
    case Report of
        true -> result("pingpong", "ns_per_roundtrip", El * 1.0e6 / N, "ns"), check("pingpong", "sum", Sum);
        false -> ok
    end.

echo(_, 0) -> ok;
echo(Main, K) -> receive {ping, V} -> Main ! {pong, V + 1} end, echo(Main, K - 1).

ping(_, N, N, Sum) -> Sum;
ping(Echo, I, N, Sum) -> Echo ! {ping, I}, receive {pong, V} -> ping(Echo, I + 1, N, Sum + V) end.

%% hog: 4 processes spin on the clock; this process sleeps 1 ms in a loop and records its lateness.
hog(Ms, Report) ->
    End = now_ms() + Ms,
    Self = self(),
    [spawn(fun() -> spin(End, 0), Self ! hog_done end) || _ <- lists:seq(1, 4)],
    {Worst, Sum, Count} = hog_sleeper(End, 0.0, 0.0, 0),
    [receive hog_done -> ok end || _ <- lists:seq(1, 4)],
    case Report of
        true ->
            result("hog", "worst_late_ms", Worst, "ms"),
            result("hog", "mean_late_ms", case Count of 0 -> 0.0; _ -> Sum / Count end, "ms");
        false -> ok
    end.

spin(End, N) ->
    case now_ms() < End of
        true -> spin(End, N + 1);
        false -> N
    end.

hog_sleeper(End, Worst, Sum, Count) ->
    case now_ms() < End of
        false -> {Worst, Sum, Count};
        true ->
            T0 = now_ms(),
            receive after 1 -> ok end,
            Late = max(0.0, now_ms() - T0 - 1),
            hog_sleeper(End, max(Worst, Late), Sum + Late, Count + 1)
    end.

sleep_rate(Ms) ->
    T0 = now_ms(),
    N = sleep_loop(T0 + Ms, 0),
    N / ((now_ms() - T0) / 1000).

sleep_loop(End, N) ->
    case now_ms() < End of
        true -> receive after 1 -> ok end, sleep_loop(End, N + 1);
        false -> N
    end.

%% yield: 4 processes call erlang:yield() N/4 times each.
yield_bench(N, Report) ->
    Per = N div 4,
    Self = self(),
    T0 = now_ms(),
    [spawn(fun() -> yield_loop(Per), Self ! yielded end) || _ <- lists:seq(1, 4)],
    [receive yielded -> ok end || _ <- lists:seq(1, 4)],
    El = now_ms() - T0,
    case Report of
        true -> result("yield", "ns_per_yield", El * 1.0e6 / (Per * 4), "ns");
        false -> ok
    end.

yield_loop(0) -> ok;
yield_loop(K) -> erlang:yield(), yield_loop(K - 1).

%% c10k: a process per request: wait 10 ms, compute about 1 ms (xorshift, calibrated), report the latency.
mix(0, X) -> X;
mix(K, X0) ->
    X1 = (X0 bxor (X0 bsl 13)) band 16#FFFFFFFF,
    X2 = X1 bxor (X1 bsr 17),
    X3 = (X2 bxor (X2 bsl 5)) band 16#FFFFFFFF,
    mix(K - 1, X3).

calibrate() ->
    Probe = 200000,
    mix(Probe, 16#9E3779B9),
    Best = lists:min([begin T0 = now_ms(), mix(Probe, 16#9E3779B9), now_ms() - T0 end || _ <- lists:seq(1, 7)]),
    max(1, trunc(Probe / Best)).

proc_status() ->
    case file:read_file("/proc/self/status") of
        {ok, Bin} ->
            Lines = string:split(binary_to_list(Bin), "\n", all),
            Threads = field(Lines, "Threads:"),
            Rss = field(Lines, "VmRSS:") * 1024,
            {Threads, Rss};
        _ -> {0, erlang:memory(total)}
    end.

field([], _) -> 0;
field([Line | Rest], Key) ->
    case string:prefix(Line, Key) of
        nomatch -> field(Rest, Key);
        Value -> list_to_integer(hd(string:lexemes(Value, " \tk")))
    end.

c10k(N, Report) ->
    Iter = case get(iterations) of undefined -> I = calibrate(), put(iterations, I), I; I -> I end,
    {Threads0, Rss0} = proc_status(),
    Self = self(),
    T0 = now_ms(),
    [spawn(fun() -> receive after 10 -> ok end, mix(Iter, 16#9E3779B9), Self ! {done, now_ms() - T0} end)
     || _ <- lists:seq(1, N)],
    {Lats, PeakThreads, PeakRss} = c10k_collect(N, [], Threads0, Rss0),
    El = now_ms() - T0,
    case Report of
        true ->
            Sorted = list_to_tuple(lists:sort(Lats)),
            Pct = fun(P) -> element(max(1, min(N, ceil(P / 100 * N))), Sorted) end,
            Rate = N / (El / 1000),
            Limit = erlang:system_info(schedulers_online) * 1000,
            result("c10k", "req_per_s", Rate, "req/s"),
            result("c10k", "cpu_limit_pct", 100 * Rate / Limit, "%"),
            result("c10k", "p50_ms", Pct(50), "ms"),
            result("c10k", "p99_ms", Pct(99), "ms"),
            result("c10k", "peak_mb", (PeakRss - Rss0) / 1048576, "MB"),
            result("c10k", "threads", PeakThreads, "threads");
        false -> ok
    end.

c10k_collect(0, Lats, Threads, Rss) -> {Lats, Threads, Rss};
c10k_collect(K, Lats, Threads, Rss) ->
    receive {done, L} -> ok end,
    {T, R} = case K rem 64 of 0 -> proc_status(); _ -> {Threads, Rss} end,
    c10k_collect(K - 1, [L | Lats], max(Threads, T), max(Rss, R)).

%% actors (issue 12), the protocol of the Lab's ActorsWorkload: ping-pong pairs (2 per scheduler) where each client
%% sends a batch of 100 messages and waits for all 100 echoes before the next batch; skynet with processes (above);
%% and a one_for_one supervisor (OTP's) restarting a worker that crashes on every message, N div 100 times.
actors(N, Report) ->
    Pairs = 2 * erlang:system_info(schedulers_online),
    Batches = max(1, N div Pairs div 100),
    Restarts = max(10, N div 100),
    T0 = now_ms(),
    actors_pingpong(Pairs, Batches),
    PingMs = now_ms() - T0,
    Self = self(),
    T1 = now_ms(),
    spawn(fun() -> skynet_node(Self, 0, N) end),
    Sum = receive {sum, S} -> S end,
    SkyMs = now_ms() - T1,
    RestartMs = actors_restarts(Restarts),
    case Report of
        true ->
            result("actors", "msgs_per_s", 2 * Pairs * Batches * 100 / (PingMs / 1000), "1/s"),
            result("actors", "ms", SkyMs, "ms"),
            result("actors", "us_per_restart", RestartMs * 1000 / Restarts, "us"),
            check("actors", "sum", Sum);
        false -> ok
    end.

actors_pingpong(Pairs, Batches) ->
    Self = self(),
    [spawn(fun() ->
        Echo = spawn(fun echo_loop/0),
        client(Echo, {ping, self()}, Batches),
        exit(Echo, kill),
        Self ! pair_done
     end) || _ <- lists:seq(1, Pairs)],
    [receive pair_done -> ok end || _ <- lists:seq(1, Pairs)],
    ok.

echo_loop() -> receive {ping, From} = M -> From ! M, echo_loop() end.

client(_, _, 0) -> ok;
client(Echo, Msg, K) -> send_n(Echo, Msg, 100), recv_n(100), client(Echo, Msg, K - 1).

send_n(_, _, 0) -> ok;
send_n(Echo, Msg, K) -> Echo ! Msg, send_n(Echo, Msg, K - 1).

recv_n(0) -> ok;
recv_n(K) -> receive {ping, _} -> recv_n(K - 1) end.

actors_restarts(R) ->
    logger:set_primary_config(level, none), % each crash would print a report
    OldTrap = process_flag(trap_exit, true),
    {ok, Sup} = supervisor:start_link(?MODULE, {restart_bench, self()}),
    receive {up, First} -> ok end, % timed from the first worker's up to the last one's, as in the Lab's models
    T0 = now_ms(),
    First ! crash,
    restart_loop(R, 1),
    El = now_ms() - T0,
    unlink(Sup),
    Ref = erlang:monitor(process, Sup),
    exit(Sup, shutdown),
    receive {'DOWN', Ref, process, Sup, _} -> ok end,
    process_flag(trap_exit, OldTrap),
    El.

restart_loop(R, I) ->
    receive
        {up, Worker} when I < R -> Worker ! crash, restart_loop(R, I + 1);
        {up, _} -> ok
    end.

init({restart_bench, Driver}) ->
    {ok, {#{strategy => one_for_one, intensity => 1000000000, period => 1},
          [#{id => worker, start => {?MODULE, start_worker, [Driver]}, restart => permanent, shutdown => brutal_kill}]}}.

start_worker(Driver) ->
    {ok, spawn_link(fun() -> Driver ! {up, self()}, receive crash -> exit(crash) end end)}.
