// CKernels: the few numerical loops CaptionKit runs itself where Swift's baseline x86-64
// code generation (SSE2, no FMA, scalar libm calls) leaves most of the machine unused. Each is compiled for
// AVX2 + FMA and for the baseline, and picks the one the CPU supports at run time.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// `output[b * output_stride + n] (+)= sum over k of input[b * inputs + k] * weight[n * inputs + k]`
/// for weight rows `n` in `first ..< last` and input rows `b` in `0 ..< rows`: a product
/// `x Wᵀ` with few rows in `x` (the decoder's beams) and `W` stored `[N, K]` as PyTorch stores
/// a Linear weight. Each weight row is read once, front to back, against up to six input
/// rows at a time; when `accumulate` is non-zero the products are added to `output`.
void ck_multiply_transposed(const float *input, size_t rows, const float *weight, size_t inputs,
                            size_t first, size_t last, float *output, size_t output_stride, int accumulate);

/// `sum over i < count of exp(values[i] - shift)`, with a vectorised expf (relative error about
/// 1e-7); arguments below -87.3 count as exp(-87.3), about 1e-38 (a (log-)softmax shifts by the
/// row maximum, so such terms vanish next to exp(0) = 1). NaN in, NaN or a number out.
float ck_sum_of_exponentials(const float *values, size_t count, float shift);

/// The elementwise half of `rows` LSTM steps (PyTorch LSTMCell, gate order i, f, g, o): for
/// each row, `gates` holds the 4 x `size` pre-activations; `cell` becomes
/// `sigmoid(f) * cell + sigmoid(i) * tanh(g)` and `hidden` `sigmoid(o) * tanh(cell)`, with a
/// vectorised exp (absolute error about 1e-7). Rows are `4 * size` and `size` values long.
void ck_lstm_update(const float *gates, size_t rows, size_t size, float *hidden, float *cell);

/// 1 when the kernels run their AVX2 + FMA versions on this CPU, else 0.
int ck_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
