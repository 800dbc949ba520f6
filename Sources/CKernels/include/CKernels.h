// CKernels: the few numerical loops CaptionKit runs itself where Swift's baseline x86-64
// code generation (SSE2, no FMA, scalar libm calls) leaves most of the machine unused. The
// float32 ones are compiled for AVX2 (+ FMA) and for the baseline (the Winograd transforms
// for AVX-512 F too) and pick the one the CPU supports at run time; the packed convolution
// exists only for AVX-512 (F, BW and VL; plus VNNI for int8 or BF16 for bf16), and its
// callers fall back to im2col and Winograd in float32 without it.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

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

/// The arithmetic of a packed (reduced-precision) convolution.
typedef enum {
    /// Unsigned 8-bit activation levels times signed 8-bit weight levels, four channels to a
    /// word, int32 sums (AVX-512 VNNI).
    CK_INT8 = 0,
    /// bfloat16 activations and weights, two channels to a word, float32 sums (AVX-512 BF16).
    CK_BF16 = 1,
    /// float32 activations and weights, one channel to a word, float32 sums (AVX-512 F): the
    /// direct convolution of the layers Winograd does not take (too few input channels, or
    /// too small a map).
    CK_FP32 = 2
} ck_arithmetic;

/// Output channels per block of a packed convolution's weight (see `ck_convolve_packed`); a
/// packed convolution needs a multiple of it.
#define CK_BLOCK_CHANNELS 8

/// 1 when this CPU runs `arithmetic` (AVX-512 F, BW and VL, with VNNI for int8 or BF16 for
/// bf16, alone for fp32), else 0. Without it the two functions below do nothing.
int ck_supports_arithmetic(ck_arithmetic arithmetic);

/// Bytes of one channel group's plane of packed activations for an H x W image: (H + 2) rows
/// of (W + 2) 32-bit words (one word per position holds the group's 4 int8 or 2 bf16 channels,
/// the zero border of padding 1 included), plus the slack the convolution reads past the end,
/// rounded to 64.
size_t ck_packed_plane_bytes(size_t height, size_t width);

/// Packs channel groups `first_group ..< last_group` of `input`, an image `[C, H, W]` of
/// floats, into `output`, planes of `ck_packed_plane_bytes` bytes from group 0. int8: level
/// `round(x * inverse_scale)` clamped to 0 ... 255 (ties to even), channel 4g + j in byte j.
/// bf16: x rounded to bfloat16 (ties to even; `inverse_scale` unused), channel 2g + j in half j.
/// fp32: x's bits, channel g (`inverse_scale` unused).
void ck_pack_activations(ck_arithmetic arithmetic, const float *input, size_t height, size_t width,
                         float inverse_scale, size_t first_group, size_t last_group, uint32_t *output);

/// The number of tiles (runs of 48 output positions, numbered in rows of W + 2) that
/// `ck_convolve_packed` splits an H x W output into.
size_t ck_packed_tiles(size_t height, size_t width);

/// A 3x3 convolution, stride 1, padding 1, on packed activations (`groups` planes from
/// `ck_pack_activations`): output channel o gets `sum * scales[o] + bias[o]` (then ReLU when
/// `relu` is non-zero), where `sum` is the sum of activation times weight elements (int32 for
/// int8, float32 for bf16 and fp32), for tiles `first_tile ..< last_tile`, written to `output`
/// `[O, H, W]`. `weights` holds O / CK_BLOCK_CHANNELS blocks `[groups][3 * 3][CK_BLOCK_CHANNELS]`
/// of words packed like the activations (block b, group g, tap ky * 3 + kx, channel o - 8b).
void ck_convolve_packed(ck_arithmetic arithmetic, const uint32_t *input, size_t groups, size_t height, size_t width,
                        const uint32_t *weights, size_t output_channels, const float *scales, const float *bias,
                        int relu, size_t first_tile, size_t last_tile, float *output);

/// The 2x2, stride-2 max pool of one pair of rows: `output[x]` is the maximum of `top[2x]`,
/// `top[2x + 1]`, `bottom[2x]` and `bottom[2x + 1]` for `x < count` (NaN when any of them is
/// NaN, as PyTorch's max pool).
void ck_max_pool_rows(const float *top, const float *bottom, float *output, size_t count);

/// Where the tiles of a Winograd F(4x4, 3x3) convolution lie: an `H x W` input with
/// `padding_height` and `padding_width` zeros on each side, an `H' x W'` output
/// (`H' = H + 2 * padding_height - 2`, likewise W'), cut into 4 x 4 tiles numbered row-major,
/// `tile_columns = ceil(W' / 4)` to a row. Tile (r, c) reads the 6 x 6 input patch whose
/// top-left corner is at (4r - padding_height, 4c - padding_width), zero outside the input.
typedef struct {
    size_t height, width, output_height, output_width, tile_columns, padding_height, padding_width;
} ck_winograd_geometry;

/// The vector instructions a kernel with several versions runs.
typedef enum {
    /// The architecture's baseline (SSE2 on x86-64).
    CK_SET_BASELINE = 0,
    /// AVX2 and FMA.
    CK_SET_AVX2 = 1,
    /// AVX-512 F.
    CK_SET_AVX512 = 2
} ck_instruction_set;

/// The widest instruction set this CPU runs.
ck_instruction_set ck_widest_instruction_set(void);

/// Floats of scratch memory `ck_winograd_input` needs for an input `width` values wide.
size_t ck_winograd_scratch_floats(size_t width, size_t padding_width);

/// Winograd's input transform `V = Bᵀ d B`, in instruction set `set` (or the widest this CPU
/// runs, if narrower), of tiles `first_tile ..< last_tile` (`d` each tile's 6 x 6 patch) for
/// channels `first_channel ..< last_channel` of `image` `[C, H, W]`:
/// `V[ξ]` (ξ = 6i + j, i the row of the transform) of channel c and tile t goes to
/// `transformed[ξ * plane_stride + c * row_stride + (t - first_tile)]`. Tiles are written 16 at
/// a time from the start of each tile row, so up to 15 values after a row's last tile are
/// written too (the next row's, later rewritten, or spare space that a row needs, 16 values,
/// after the last tile). `scratch` holds `ck_winograd_scratch_floats` floats.
void ck_winograd_input(ck_instruction_set set, ck_winograd_geometry geometry, const float *image,
                       size_t first_tile, size_t last_tile, size_t first_channel, size_t last_channel,
                       size_t row_stride, size_t plane_stride, float *scratch, float *transformed);

/// Winograd's output transform `Y = Aᵀ M A`, in instruction set `set` (as above), of tiles
/// `first_tile ..< last_tile` for output channels `first_channel ..< last_channel`, `M[ξ]` of
/// channel o and tile t being
/// `products[ξ * plane_stride + o * row_stride + (t - first_tile)]` (with 16 values readable
/// after a row's last tile), plus `bias[o]` (when not NULL) and then ReLU (when `relu` is
/// non-zero): each tile's 4 x 4 outputs go where they lie inside `output` `[O, H', W']`.
void ck_winograd_output(ck_instruction_set set, ck_winograd_geometry geometry, const float *products,
                        size_t first_tile, size_t last_tile, size_t first_channel, size_t last_channel,
                        size_t row_stride, size_t plane_stride, const float *bias, int relu, float *output);

/// 1 when the kernels run their AVX2 + FMA versions on this CPU, else 0.
int ck_uses_avx2(void);

#ifdef __cplusplus
}
#endif

#endif
