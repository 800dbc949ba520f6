// ck_sum_of_exponentials: sum over i of exp(values[i] - shift), the denominator of a
// (log-)softmax (see CKernels.h).
//
// exp is Cephes' expf, vectorised: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two
// constants so that n ln 2 is exact), exp(r) by a degree-6 polynomial (relative error about
// 1e-7, like libm's expf within a few ulps), times 2^n built in the exponent bits. Arguments
// are clamped to [-87.3, 88.4], where expf is normal: a term below 1e-38 next to the largest
// term, exp(0) = 1, does not change a float sum. Like the product, one body is instantiated
// 8-wide for AVX2 + FMA and 4-wide for the baseline.
#include "CKernels.h"

#include <string.h>

typedef float ck_exp_float8 __attribute__((vector_size(32), aligned(4)));
typedef int ck_exp_int8 __attribute__((vector_size(32), aligned(4)));
typedef float ck_exp_float4 __attribute__((vector_size(16), aligned(4)));
typedef int ck_exp_int4 __attribute__((vector_size(16), aligned(4)));

#define CK_SUM_EXP(NAME, VECTOR, INTEGERS, WIDTH, ATTRIBUTES)                                    \
    ATTRIBUTES static float NAME(const float *values, size_t count, float shift) {             \
        VECTOR sums = {0}, extra = {0};                                                         \
        size_t index = 0;                                                                       \
        for (; index + 2 * WIDTH <= count; index += 2 * WIDTH) {                                \
            VECTOR first, second;                                                               \
            memcpy(&first, values + index, sizeof first);                                       \
            memcpy(&second, values + index + WIDTH, sizeof second);                             \
            sums += NAME##_exp(first - shift);                                                  \
            extra += NAME##_exp(second - shift);                                                \
        }                                                                                       \
        sums += extra;                                                                          \
        float total = 0;                                                                        \
        for (int lane = 0; lane < WIDTH; lane++) total += sums[lane];                           \
        for (; index < count; index++) {                                                        \
            VECTOR single = {0};                                                                \
            single[0] = values[index] - shift;                                                  \
            total += NAME##_exp(single)[0];                                                     \
        }                                                                                       \
        return total;                                                                           \
    }

#define CK_EXP(NAME, VECTOR, INTEGERS, ATTRIBUTES)                                              \
    ATTRIBUTES static inline VECTOR NAME(VECTOR x) {                                           \
        VECTOR zero = {0};                                                                      \
        x = __builtin_elementwise_min(x, zero + 88.3762626647949f);                             \
        x = __builtin_elementwise_max(x, zero - 87.3365447505531f);                             \
        /* n = floor(x / ln 2 + 1/2) */                                                        \
        VECTOR scaled = x * 1.44269504088896341f + 0.5f;                                        \
        INTEGERS whole = __builtin_convertvector(scaled, INTEGERS);                             \
        VECTOR n = __builtin_convertvector(whole, VECTOR);                                      \
        INTEGERS above = n > scaled;                                                            \
        whole += above; /* true is -1: truncation rounded a negative value up */               \
        n = __builtin_convertvector(whole, VECTOR);                                             \
        VECTOR r = x - n * 0.693359375f - n * -2.12194440e-4f;                                  \
        VECTOR r2 = r * r;                                                                      \
        VECTOR poly = zero + 1.9875691500e-4f;                                                  \
        poly = poly * r + 1.3981999507e-3f;                                                     \
        poly = poly * r + 8.3334519073e-3f;                                                     \
        poly = poly * r + 4.1665795894e-2f;                                                     \
        poly = poly * r + 1.6666665459e-1f;                                                     \
        poly = poly * r + 5.0000001201e-1f;                                                     \
        VECTOR result = poly * r2 + r + 1.0f;                                                   \
        INTEGERS bits = (whole + 127) << 23;                                                    \
        VECTOR scale;                                                                           \
        memcpy(&scale, &bits, sizeof scale);                                                    \
        return result * scale;                                                                  \
    }

CK_EXP(ck_sum_baseline_exp, ck_exp_float4, ck_exp_int4, )
CK_SUM_EXP(ck_sum_baseline, ck_exp_float4, ck_exp_int4, 4, )

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
CK_EXP(ck_sum_avx2_exp, ck_exp_float8, ck_exp_int8, __attribute__((target("avx2,fma"))))
CK_SUM_EXP(ck_sum_avx2, ck_exp_float8, ck_exp_int8, 8, __attribute__((target("avx2,fma"))))
#endif

float ck_sum_of_exponentials(const float *values, size_t count, float shift) {
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
    if (ck_uses_avx2()) return ck_sum_avx2(values, count, shift);
#endif
    return ck_sum_baseline(values, count, shift);
}
