// ck_max_pool_rows: VGG's 2x2, stride-2 max pool of one pair of rows (see CKernels.h). The
// AVX2 version takes 16 input columns (8 outputs) per step: the maxima of the two rows, then
// of each column pair, de-interleaved with shuffles and put back in order with one permute.
// Both versions give NaN where a window holds NaN, as PyTorch's max pool does (a plain
// maximum instruction would return the other operand).
#include "CKernels.h"
#include "ck_vector_math.h"

// The maximum of one window, NaN if any of its values is NaN.
static inline float ck_window_maximum(float a, float b, float c, float d) {
    if (a != a || b != b || c != c || d != d) return a + b + c + d;
    float top = a > b ? a : b, bottom = c > d ? c : d;
    return top > bottom ? top : bottom;
}

static void ck_pool_rows_baseline(const float *top, const float *bottom, float *output, size_t count, size_t start) {
    for (size_t x = start; x < count; x++)
        output[x] = ck_window_maximum(top[2 * x], top[2 * x + 1], bottom[2 * x], bottom[2 * x + 1]);
}

#ifdef CK_AVX2
#include <immintrin.h>

// Lanewise maximum, NaN where either lane is NaN (a + b is then NaN).
CK_AVX2 static inline __m256 ck_maximum(__m256 a, __m256 b) {
    return _mm256_blendv_ps(_mm256_max_ps(a, b), _mm256_add_ps(a, b), _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

CK_AVX2 static size_t ck_pool_rows_avx2(const float *top, const float *bottom, float *output, size_t count) {
    size_t x = 0;
    for (; x + 8 <= count; x += 8) {
        // columns 2x ..< 2x + 16 of both rows -> outputs x ..< x + 8
        __m256 low = ck_maximum(_mm256_loadu_ps(top + 2 * x), _mm256_loadu_ps(bottom + 2 * x));
        __m256 high = ck_maximum(_mm256_loadu_ps(top + 2 * x + 8), _mm256_loadu_ps(bottom + 2 * x + 8));
        // even columns [0 2 8 10 | 4 6 12 14], odd columns [1 3 9 11 | 5 7 13 15] of the 16
        __m256 pooled = ck_maximum(_mm256_shuffle_ps(low, high, 0x88), _mm256_shuffle_ps(low, high, 0xDD));
        // outputs [0 1 4 5 | 2 3 6 7] -> [0 1 2 3 | 4 5 6 7]: 64-bit pairs in the order 0, 2, 1, 3
        _mm256_storeu_ps(output + x, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(pooled), 0xD8)));
    }
    return x;
}
#endif

void ck_max_pool_rows(const float *top, const float *bottom, float *output, size_t count) {
    size_t done = 0;
#ifdef CK_AVX2
    if (ck_uses_avx2()) done = ck_pool_rows_avx2(top, bottom, output, count);
#endif
    ck_pool_rows_baseline(top, bottom, output, count, done);
}
