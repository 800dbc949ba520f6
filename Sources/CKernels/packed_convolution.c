// The direct 3x3 convolution (see CKernels.h) of the reduced-precision encoders and of the
// layers Winograd does not take in every encoder, in three arithmetics that share one layout
// and one loop:
// - int8: unsigned 8-bit activation levels times signed 8-bit weight levels, four channels
//   to a 32-bit word, summed in int32 by AVX-512 VNNI's vpdpbusd (64 multiply-adds per
//   instruction), then scaled back to float;
// - bf16: bfloat16 activations and weights, two channels to a word, summed in float32 by
//   AVX-512 BF16's vdpbf16ps (32 multiply-adds per instruction);
// - fp32: float32 activations and weights, one channel to a word, summed by vfmadd231ps (16
//   multiply-adds per instruction): the layers Winograd does not take (the first, over 3
//   input channels, and conv5's 14 x 14 maps).
//
// The activation layout makes the convolution direct, without im2col: channels in groups (of
// a word each), each group a plane of (H + 2) x Wp words (Wp = W + 2: the zero border of
// padding 1 is stored). Output position (y, x) is numbered p = y * Wp + x in the same padded
// row width, so its 3x3 window's tap (dy, dx) is input word p + dy * Wp + dx: 16 consecutive
// outputs read 16 consecutive words for each tap and group, whatever the rows they span. The
// positions x = W and W + 1 of each row are computed too and never stored.
#include "CKernels.h"

#include <string.h>

// A tile is CK_TILE_VECTORS x 16 output positions by CK_BLOCK_CHANNELS output channels: 24
// accumulators, 3 activation vectors and the broadcast weight in the 32 registers.
#define CK_TILE_VECTORS 3
#define CK_TILE_POSITIONS (CK_TILE_VECTORS * 16)

// Loops over the accumulators are unrolled in full, so that every index is a constant and the
// accumulators stay in registers (otherwise each is written back to the stack at every step).
#if defined(__clang__)
#define CK_UNROLL _Pragma("clang loop unroll(full)")
#else
#define CK_UNROLL _Pragma("GCC unroll 24")
#endif

size_t ck_packed_plane_bytes(size_t height, size_t width) {
    // The last tile reads up to CK_TILE_POSITIONS - 1 words past the last output, plus two
    // rows and two words for its farthest tap; rounded to whole cache lines.
    size_t words = (height + 2) * (width + 2) + CK_TILE_POSITIONS + 16;
    return (words * 4 + 63) / 64 * 64;
}

size_t ck_packed_tiles(size_t height, size_t width) {
    return (height * (width + 2) + CK_TILE_POSITIONS - 1) / CK_TILE_POSITIONS;
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>

#define CK_TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define CK_TARGET_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))
#define CK_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl")))

int ck_supports_arithmetic(ck_arithmetic arithmetic) {
    // Computed on first use; racing threads compute and store the same value.
    static int supported[3] = {-1, -1, -1};
    int value = __atomic_load_n(&supported[arithmetic], __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        int extension = arithmetic == CK_INT8   ? __builtin_cpu_supports("avx512vnni")
                        : arithmetic == CK_BF16 ? __builtin_cpu_supports("avx512bf16")
                                                : 1;
        value = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                __builtin_cpu_supports("avx512vl") && extension;
        __atomic_store_n(&supported[arithmetic], value, __ATOMIC_RELAXED);
    }
    return value;
}

// 16 floats (one per position) of `channels` consecutive channel planes -> their words.
// int8: level round(x * inverse) clamped to 0 ... 255 (ties to even), channel j in byte j.
CK_TARGET_VNNI static inline __m512i ck_levels(const float *values, size_t channel_size, __mmask16 lanes, float inverse_scale) {
    const __m512 inverse = _mm512_set1_ps(inverse_scale), top = _mm512_set1_ps(255.0f);
    __m512i word = _mm512_setzero_si512();
    for (int channel = 0; channel < 4; channel++) {
        __m512 value = _mm512_maskz_loadu_ps(lanes, values + channel * channel_size);
        value = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(value, inverse), _mm512_setzero_ps()), top);
        word = _mm512_or_si512(word, _mm512_slli_epi32(_mm512_cvtps_epi32(value), 8 * channel));
    }
    return word;
}

// bf16: each float rounded to bfloat16 (to nearest, ties to even), channel j in half j.
CK_TARGET_BF16 static inline __m512i ck_halves(const float *values, size_t channel_size, __mmask16 lanes, float unused) {
    (void)unused;
    __m512i word = _mm512_setzero_si512();
    for (int channel = 0; channel < 2; channel++) {
        __m512i bits = _mm512_castps_si512(_mm512_maskz_loadu_ps(lanes, values + channel * channel_size));
        __m512i odd = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
        __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(odd, _mm512_set1_epi32(0x7FFF))), 16);
        word = _mm512_or_si512(word, _mm512_slli_epi32(rounded, 16 * channel));
    }
    return word;
}

// fp32: each float's bits, one channel per word.
CK_TARGET_AVX512 static inline __m512i ck_float_words(const float *values, size_t channel_size, __mmask16 lanes, float unused) {
    (void)channel_size;
    (void)unused;
    return _mm512_castps_si512(_mm512_maskz_loadu_ps(lanes, values));
}

// Packs groups first_group ..< last_group of an image C x H x W of floats into the padded
// layout (CHANNELS channels per word), border and slack zeroed.
#define CK_PACK(NAME, WORD, CHANNELS, ATTRIBUTES)                                                                     \
    ATTRIBUTES static void NAME(const float *input, size_t height, size_t width, float inverse_scale,                \
                                size_t first_group, size_t last_group, uint32_t *output) {                          \
        size_t padded_width = width + 2, plane_words = ck_packed_plane_bytes(height, width) / 4;                    \
        size_t channel_size = height * width;                                                                       \
        for (size_t group = first_group; group < last_group; group++) {                                             \
            uint32_t *plane = output + group * plane_words;                                                         \
            const float *channels = input + CHANNELS * group * channel_size;                                        \
            memset(plane, 0, (padded_width + 1) * 4); /* row 0 and row 1's left border */                           \
            for (size_t y = 0; y < height; y++) {                                                                   \
                uint32_t *row = plane + (y + 1) * padded_width + 1;                                                 \
                for (size_t x = 0; x < width; x += 16) {                                                            \
                    __mmask16 lanes = (__mmask16)(width - x < 16 ? (1u << (width - x)) - 1 : 0xFFFF);               \
                    _mm512_mask_storeu_epi32(row + x, lanes,                                                        \
                                             WORD(channels + y * width + x, channel_size, lanes, inverse_scale));   \
                }                                                                                                   \
                memset(row + width, 0, 8); /* right border, then the next row's left border */                      \
            }                                                                                                       \
            size_t used = (height + 1) * padded_width + 1;                                                          \
            memset(plane + used, 0, (plane_words - used) * 4); /* the last row's rest, row H + 1, slack */          \
        }                                                                                                           \
    }

// The convolution over tiles first_tile ..< last_tile: for each tile and block of
// CK_BLOCK_CHANNELS output channels, the SUM accumulators (one per channel and 16 positions)
// take DOT(sum, activations, broadcast weight word) for every group and tap, then the existing
// outputs get TO_FLOAT(sum) * scale + bias (and ReLU), stored with a compressing store: the
// lanes with x < W and p < H * Wp map to consecutive output indices.
#define CK_CONVOLVE(NAME, SUM, ZERO, DOT, TO_FLOAT, ATTRIBUTES)                                                       \
    ATTRIBUTES static void NAME(const uint32_t *input, size_t groups, size_t height, size_t width,                   \
                                const uint32_t *weights, size_t blocks, const float *scales, const float *bias,      \
                                int relu, size_t first_tile, size_t last_tile, float *output) {                      \
        size_t padded_width = width + 2, plane_words = ck_packed_plane_bytes(height, width) / 4;                    \
        size_t channel_size = height * width;                                                                       \
        size_t block_words = groups * 9 * CK_BLOCK_CHANNELS;                                                        \
        /* Channel blocks in chunks whose weights (at most 256 KiB) stay in L2 across the tiles. */                 \
        size_t chunk = (256u << 10) / (block_words * 4);                                                            \
        if (chunk == 0) chunk = 1;                                                                                  \
        for (size_t chunk_start = 0; chunk_start < blocks; chunk_start += chunk) {                                  \
            size_t chunk_end = chunk_start + chunk < blocks ? chunk_start + chunk : blocks;                         \
            for (size_t tile = first_tile; tile < last_tile; tile++) {                                              \
                size_t tile_start = tile * CK_TILE_POSITIONS;                                                       \
                __mmask16 lanes[CK_TILE_VECTORS];                                                                   \
                size_t first[CK_TILE_VECTORS];                                                                      \
                size_t y = tile_start / padded_width, x = tile_start - y * padded_width;                            \
                for (int vector = 0; vector < CK_TILE_VECTORS; vector++) {                                          \
                    lanes[vector] = 0;                                                                              \
                    first[vector] = 0;                                                                              \
                    for (int lane = 0; lane < 16; lane++) {                                                         \
                        if (y < height && x < width) {                                                              \
                            if (lanes[vector] == 0) first[vector] = y * width + x;                                  \
                            lanes[vector] |= (__mmask16)(1u << lane);                                               \
                        }                                                                                           \
                        if (++x == padded_width) {                                                                  \
                            x = 0;                                                                                  \
                            y++;                                                                                    \
                        }                                                                                           \
                    }                                                                                               \
                }                                                                                                   \
                for (size_t block = chunk_start; block < chunk_end; block++) {                                      \
                    const uint32_t *weight = weights + block * block_words;                                         \
                    SUM sums[CK_BLOCK_CHANNELS][CK_TILE_VECTORS];                                                   \
                    CK_UNROLL for (int channel = 0; channel < CK_BLOCK_CHANNELS; channel++)                         \
                        CK_UNROLL for (int vector = 0; vector < CK_TILE_VECTORS; vector++)                          \
                            sums[channel][vector] = ZERO();                                                         \
                    for (size_t group = 0; group < groups; group++) {                                               \
                        const uint32_t *window = input + group * plane_words + tile_start;                          \
                        for (int tap = 0; tap < 9; tap++) {                                                         \
                            const uint32_t *at = window + (size_t)(tap / 3) * padded_width + (size_t)(tap % 3);     \
                            __m512i activations[CK_TILE_VECTORS];                                                   \
                            CK_UNROLL for (int vector = 0; vector < CK_TILE_VECTORS; vector++)                      \
                                activations[vector] = _mm512_loadu_si512(at + 16 * vector);                         \
                            CK_UNROLL for (int channel = 0; channel < CK_BLOCK_CHANNELS; channel++) {               \
                                __m512i word = _mm512_set1_epi32((int)weight[channel]);                             \
                                CK_UNROLL for (int vector = 0; vector < CK_TILE_VECTORS; vector++)                  \
                                    sums[channel][vector] = DOT(sums[channel][vector], activations[vector], word);  \
                            }                                                                                       \
                            weight += CK_BLOCK_CHANNELS;                                                            \
                        }                                                                                           \
                    }                                                                                               \
                    size_t channel0 = block * CK_BLOCK_CHANNELS;                                                    \
                    CK_UNROLL for (int channel = 0; channel < CK_BLOCK_CHANNELS; channel++) {                       \
                        __m512 scale = _mm512_set1_ps(scales[channel0 + channel]);                                  \
                        __m512 offset = _mm512_set1_ps(bias[channel0 + channel]);                                   \
                        float *plane = output + (channel0 + channel) * channel_size;                                \
                        CK_UNROLL for (int vector = 0; vector < CK_TILE_VECTORS; vector++) {                        \
                            if (lanes[vector] == 0) continue;                                                       \
                            __m512 value = _mm512_fmadd_ps(TO_FLOAT(sums[channel][vector]), scale, offset);         \
                            /* ReLU: 0 where value < 0; NaN compares false and stays NaN, as in PyTorch */          \
                            if (relu) {                                                                             \
                                __mmask16 negative = _mm512_cmp_ps_mask(value, _mm512_setzero_ps(), _CMP_LT_OQ);    \
                                value = _mm512_mask_mov_ps(value, negative, _mm512_setzero_ps());                   \
                            }                                                                                       \
                            if ((lanes[vector] & (lanes[vector] + 1)) == 0) /* lanes 0 ..< n: a plain masked store */ \
                                _mm512_mask_storeu_ps(plane + first[vector], lanes[vector], value);                 \
                            else                                                                                    \
                                _mm512_mask_compressstoreu_ps(plane + first[vector], lanes[vector], value);         \
                        }                                                                                           \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
    }

#define CK_INT8_DOT(sum, activations, weight) _mm512_dpbusd_epi32(sum, activations, weight)
#define CK_BF16_DOT(sum, activations, weight) \
    _mm512_dpbf16_ps(sum, (__m512bh)(activations), (__m512bh)(weight))
#define CK_FP32_DOT(sum, activations, weight) \
    _mm512_fmadd_ps(_mm512_castsi512_ps(activations), _mm512_castsi512_ps(weight), sum)
#define CK_IDENTITY(sum) (sum)

CK_PACK(ck_pack_int8, ck_levels, 4, CK_TARGET_VNNI)
CK_CONVOLVE(ck_convolve_int8, __m512i, _mm512_setzero_si512, CK_INT8_DOT, _mm512_cvtepi32_ps, CK_TARGET_VNNI)
CK_PACK(ck_pack_bf16, ck_halves, 2, CK_TARGET_BF16)
CK_CONVOLVE(ck_convolve_bf16, __m512, _mm512_setzero_ps, CK_BF16_DOT, CK_IDENTITY, CK_TARGET_BF16)
CK_PACK(ck_pack_fp32, ck_float_words, 1, CK_TARGET_AVX512)
CK_CONVOLVE(ck_convolve_fp32, __m512, _mm512_setzero_ps, CK_FP32_DOT, CK_IDENTITY, CK_TARGET_AVX512)

void ck_pack_activations(ck_arithmetic arithmetic, const float *input, size_t height, size_t width,
                         float inverse_scale, size_t first_group, size_t last_group, uint32_t *output) {
    if (!ck_supports_arithmetic(arithmetic)) return;
    switch (arithmetic) {
    case CK_INT8: ck_pack_int8(input, height, width, inverse_scale, first_group, last_group, output); break;
    case CK_BF16: ck_pack_bf16(input, height, width, inverse_scale, first_group, last_group, output); break;
    case CK_FP32: ck_pack_fp32(input, height, width, inverse_scale, first_group, last_group, output); break;
    }
}

void ck_convolve_packed(ck_arithmetic arithmetic, const uint32_t *input, size_t groups, size_t height, size_t width,
                        const uint32_t *weights, size_t output_channels, const float *scales, const float *bias,
                        int relu, size_t first_tile, size_t last_tile, float *output) {
    if (!ck_supports_arithmetic(arithmetic)) return;
    size_t blocks = output_channels / CK_BLOCK_CHANNELS;
    switch (arithmetic) {
    case CK_INT8:
        ck_convolve_int8(input, groups, height, width, weights, blocks, scales, bias, relu, first_tile, last_tile, output);
        break;
    case CK_BF16:
        ck_convolve_bf16(input, groups, height, width, weights, blocks, scales, bias, relu, first_tile, last_tile, output);
        break;
    case CK_FP32:
        ck_convolve_fp32(input, groups, height, width, weights, blocks, scales, bias, relu, first_tile, last_tile, output);
        break;
    }
}

#else
int ck_supports_arithmetic(ck_arithmetic arithmetic) { (void)arithmetic; return 0; }
void ck_pack_activations(ck_arithmetic arithmetic, const float *input, size_t height, size_t width,
                         float inverse_scale, size_t first_group, size_t last_group, uint32_t *output) {}
void ck_convolve_packed(ck_arithmetic arithmetic, const uint32_t *input, size_t groups, size_t height, size_t width,
                        const uint32_t *weights, size_t output_channels, const float *scales, const float *bias,
                        int relu, size_t first_tile, size_t last_tile, float *output) {}
#endif
