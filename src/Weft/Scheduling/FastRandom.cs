using System.Runtime.CompilerServices;

namespace Weft.Scheduling;

/// <summary>A per-thread xorshift generator for scheduling choices (Go's <c>fastrand</c>); not for anything else.</summary>
internal struct FastRandom
{
    private ulong _state;

    public FastRandom(ulong seed) => _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    /// <summary>Next 32 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Next()
    {
        // xorshift64*
        ulong x = _state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        _state = x;
        return (uint)((x * 0x2545F4914F6CDD1DUL) >> 32);
    }

    /// <summary>A value in [0, n) for n &gt; 0 (multiply-shift, no modulo bias worth caring about here).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextBelow(int n) => (int)(((ulong)Next() * (uint)n) >> 32);
}

/// <summary>
/// Visits 0..count-1 in a random order: a random start and a random stride coprime with count (Go's
/// <c>randomOrder</c>), so every thief looks at every P once per pass without allocating a permutation.
/// </summary>
internal sealed class RandomOrder
{
    private readonly int _count;
    private readonly int[] _coprimes;

    public RandomOrder(int count)
    {
        _count = count;
        var list = new List<int>();
        for (int i = 1; i <= count; i++)
            if (Gcd(i, count) == 1) list.Add(i);
        _coprimes = list.ToArray();
    }

    public int Count => _count;

    /// <summary>Starts an enumeration from the random value <paramref name="random"/>.</summary>
    public Enumerator Start(uint random) =>
        new(_count, (int)(random % (uint)_count), _coprimes[(int)(random / (uint)_count % (uint)_coprimes.Length)]);

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    internal struct Enumerator
    {
        private readonly int _count;
        private readonly int _stride;
        private int _remaining;
        private int _position;

        public Enumerator(int count, int position, int stride)
        {
            _count = count;
            _stride = stride;
            _remaining = count;
            _position = position;
        }

        public readonly bool Done => _remaining == 0;
        public readonly int Position => _position;

        public void MoveNext()
        {
            _remaining--;
            _position = (_position + _stride) % _count;
        }
    }
}
