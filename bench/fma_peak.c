/* The FP32 FMA peak of one core in C, the reference for `inertia bench peak` (bench/peak_vs_c.sh).
 * The same loop as kernels.simd.PanamaPeak: independent FMA chains and nothing else, 16 chains of
 * 512-bit vectors with AVX-512, else 10 chains of 256-bit vectors (AVX2 + FMA).
 * Build: gcc -O2 -march=native -o fma_peak bench/fma_peak.c    Run: ./fma_peak [seconds]
 * Prints one JSON line: the median GFLOP/s of ~50 ms rounds on one thread. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define CHAINS 16
#define SET1(x) _mm512_set1_ps(x)
#define FMA(c, a, b) _mm512_fmadd_ps(c, a, b)
#define STORE(p, v) _mm512_storeu_ps(p, v)
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define CHAINS 10
#define SET1(x) _mm256_set1_ps(x)
#define FMA(c, a, b) _mm256_fmadd_ps(c, a, b)
#define STORE(p, v) _mm256_storeu_ps(p, v)
#else
#error "needs AVX-512F or AVX2 with FMA (-march=native on such a CPU)"
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Returns a sum of every lane so that the compiler keeps every chain; noipa: otherwise GCC sees a
 * pure function and calls it once for all the timed rounds. */
__attribute__((noipa)) static float chains(long iterations) {
    vec a = SET1(0.99999f), b = SET1(1e-5f), c[CHAINS];
    for (int i = 0; i < CHAINS; i++) c[i] = SET1(0.5f + i / 64.0f);
    for (long n = 0; n < iterations; n++) {
#pragma GCC unroll 16
        for (int i = 0; i < CHAINS; i++) c[i] = FMA(c[i], a, b);
    }
    float out[LANES], sum = 0;
    for (int i = 0; i < CHAINS; i++) {
        STORE(out, c[i]);
        for (int l = 0; l < LANES; l++) sum += out[l];
    }
    return sum;
}

static int compare(const void *x, const void *y) {
    double a = *(const double *) x, b = *(const double *) y;
    return (a > b) - (a < b);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 3.0;
    long iterations = 1000;
    volatile float sink = 0;
    for (;;) { /* calls of about 50 ms */
        double t0 = now();
        sink += chains(iterations);
        double took = now() - t0;
        if (took >= 0.05) break;
        iterations *= 2;
    }
    double times[4096];
    int rounds = 0;
    double end = now() + seconds;
    while ((now() < end || rounds < 5) && rounds < 4096) {
        double t0 = now();
        sink += chains(iterations);
        times[rounds++] = now() - t0;
    }
    qsort(times, rounds, sizeof times[0], compare);
    double median = rounds % 2 ? times[rounds / 2] : (times[rounds / 2 - 1] + times[rounds / 2]) / 2;
    double flops = 2.0 * CHAINS * LANES * (double) iterations;
    printf("{\"bench\": \"peak-c\", \"threads\": 1, \"chains\": %d, \"lanes\": %d, \"rounds\": %d, \"gflops\": %.1f}\n",
           CHAINS, LANES, rounds, flops / median / 1e9);
    return sink == 12345.0f; /* never: keeps sink alive */
}
