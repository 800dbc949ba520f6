// ck_multiply_transposed: y = x Wᵀ for a handful of rows in x (see CKernels.h).
//
// One kernel body, instantiated twice with GCC/Clang vector extensions: 8-wide with AVX2 and
// FMA (`target` attribute, chosen at run time with __builtin_cpu_supports) and 4-wide for the
// baseline (SSE2 on x86-64, NEON on arm64). Each weight row is one sequential stream: the
// hardware prefetcher follows it at full memory bandwidth, where interleaving several weight
// rows measured 35% slower. Two running sums per input row hide the add (or FMA) latency.
#include "CKernels.h"
#include "ck_vector_math.h"

// Input rows per pass over a weight row: 2 sums each, 12 vector registers of the 16.
#define CK_PASS_ROWS 6


// One weight row against `count` (1 to CK_PASS_ROWS) input rows; `count` is a constant at every use, so
// the unused sums disappear. Vectors are loaded with memcpy (unaligned, no aliasing issue).
#define CK_ROW_KERNEL(NAME, VECTOR, WIDTH, ATTRIBUTES)                                          \
    ATTRIBUTES static inline void NAME(const float *line, size_t inputs, const float *input,   \
                                       int count, float *sums) {                              \
        VECTOR low[CK_PASS_ROWS] = {{0}}, high[CK_PASS_ROWS] = {{0}};                                                \
        size_t k = 0;                                                                          \
        for (; k + 2 * WIDTH <= inputs; k += 2 * WIDTH) {                                      \
            VECTOR p, q;                                                                       \
            memcpy(&p, line + k, sizeof p);                                                    \
            memcpy(&q, line + k + WIDTH, sizeof q);                                            \
            for (int row = 0; row < count; row++) {                                            \
                VECTOR a, b;                                                                   \
                memcpy(&a, input + (size_t)row * inputs + k, sizeof a);                        \
                memcpy(&b, input + (size_t)row * inputs + k + WIDTH, sizeof b);                \
                low[row] += p * a;                                                             \
                high[row] += q * b;                                                            \
            }                                                                                  \
        }                                                                                      \
        for (int row = 0; row < count; row++) {                                                \
            VECTOR both = low[row] + high[row];                                                \
            float sum = 0;                                                                     \
            for (int lane = 0; lane < WIDTH; lane++) sum += both[lane];                        \
            for (size_t tail = k; tail < inputs; tail++)                                       \
                sum += line[tail] * input[(size_t)row * inputs + tail];                        \
            sums[row] = sum;                                                                   \
        }                                                                                      \
    }

// The loop over weight rows, dispatching literal row counts to the row kernel.
#define CK_PRODUCT(NAME, ROW_KERNEL, ATTRIBUTES)                                                \
    ATTRIBUTES static void NAME(const float *input, size_t rows, const float *weight,           \
                                size_t inputs, size_t first, size_t last, float *output,        \
                                size_t output_stride, int accumulate) {                         \
        float sums[CK_PASS_ROWS];                                                              \
        for (size_t column = first; column < last; column++) {                                 \
            const float *line = weight + column * inputs;                                      \
            for (size_t start = 0; start < rows; start += CK_PASS_ROWS) {                      \
                size_t left = rows - start;                                                    \
                const float *block = input + start * inputs;                                   \
                int count = left >= CK_PASS_ROWS ? CK_PASS_ROWS : (int)left;                   \
                switch (count) {                                                               \
                case 1: ROW_KERNEL(line, inputs, block, 1, sums); break;                       \
                case 2: ROW_KERNEL(line, inputs, block, 2, sums); break;                       \
                case 3: ROW_KERNEL(line, inputs, block, 3, sums); break;                       \
                case 4: ROW_KERNEL(line, inputs, block, 4, sums); break;                       \
                case 5: ROW_KERNEL(line, inputs, block, 5, sums); break;                       \
                default: ROW_KERNEL(line, inputs, block, 6, sums); break;                      \
                }                                                                              \
                for (int row = 0; row < count; row++) {                                        \
                    float *target = output + (start + (size_t)row) * output_stride + column;   \
                    *target = accumulate ? *target + sums[row] : sums[row];                    \
                }                                                                              \
            }                                                                                  \
        }                                                                                      \
    }

CK_ROW_KERNEL(ck_row_baseline, ck_vector4, 4, )
CK_PRODUCT(ck_product_baseline, ck_row_baseline, )

#ifdef CK_AVX2
CK_ROW_KERNEL(ck_row_avx2, ck_vector8, 8, CK_AVX2)
CK_PRODUCT(ck_product_avx2, ck_row_avx2, CK_AVX2)

int ck_uses_avx2(void) {
    // Computed on first use; racing threads compute and store the same value.
    static int supported = -1;
    int value = __atomic_load_n(&supported, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&supported, value, __ATOMIC_RELAXED);
    }
    return value;
}
#else
int ck_uses_avx2(void) { return 0; }
#endif

void ck_multiply_transposed(const float *input, size_t rows, const float *weight, size_t inputs,
                            size_t first, size_t last, float *output, size_t output_stride, int accumulate) {
#ifdef CK_AVX2
    if (ck_uses_avx2()) {
        ck_product_avx2(input, rows, weight, inputs, first, last, output, output_stride, accumulate);
        return;
    }
#endif
    ck_product_baseline(input, rows, weight, inputs, first, last, output, output_stride, accumulate);
}
