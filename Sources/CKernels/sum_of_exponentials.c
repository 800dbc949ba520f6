// ck_sum_of_exponentials: sum over i of exp(values[i] - shift), the denominator of a
// (log-)softmax (see CKernels.h).
//
// exp is ck_vector_math.h's: a term below 1e-38 next to the largest term, exp(0) = 1, does
// not change a float sum. Like the product, one body is instantiated 8-wide for AVX2 + FMA
// and 4-wide for the baseline.
#include "CKernels.h"
#include "ck_vector_math.h"

#define CK_SUM_EXP(NAME, VECTOR, WIDTH, ATTRIBUTES)                                    \
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

CK_EXP(ck_sum_baseline_exp, ck_vector4, ck_integer4, )
CK_SUM_EXP(ck_sum_baseline, ck_vector4, 4, )

#ifdef CK_AVX2
CK_EXP(ck_sum_avx2_exp, ck_vector8, ck_integer8, CK_AVX2)
CK_SUM_EXP(ck_sum_avx2, ck_vector8, 8, CK_AVX2)
#endif

float ck_sum_of_exponentials(const float *values, size_t count, float shift) {
#ifdef CK_AVX2
    if (ck_uses_avx2()) return ck_sum_avx2(values, count, shift);
#endif
    return ck_sum_baseline(values, count, shift);
}
