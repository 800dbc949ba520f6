// The input and output transforms of Winograd's F(4x4, 3x3) (see CKernels.h), 16 tiles at a
// time: lane k of every vector belongs to the k-th of 16 neighbouring tiles of a tile row, so
// each value of a transform is one 64-byte load or store. The transforms are written once,
// on 16-float vectors, and inlined into an AVX-512 (one register per vector), an AVX2 + FMA
// (two) and a baseline (SSE2: four) entry point; callers pick one, the widest the CPU runs
// unless a test asks for another.
//
// The matrices interpolate at 0, ±1, ±1/2 and infinity:
//   Bᵀ = [1 0 -5 0 4 0; 0 -1 -1 4 4 0; 0 1 -1 -4 4 0; 0 1 2 -1 -2 0; 0 -1 2 1 -2 0; 0 1 0 -5 0 4]
//   Aᵀ = [1 1 1 1 1 0; 0 1 -1 1/2 -1/2 0; 0 1 1 1/4 1/4 0; 0 1 -1 1/8 -1/8 1]
#include "CKernels.h"
#include "ck_vector_math.h"

#include <string.h>

typedef float ck_vector16 __attribute__((vector_size(64), aligned(4)));
typedef int ck_integer16 __attribute__((vector_size(64), aligned(4)));

// Tiles transformed at once: the lanes of a vector.
#define CK_LANES 16
// Floats a padded input row holds past the image and its right padding: a group of 16 tiles
// reads 4 * 16 + 16 values from its first tile's column, the last group starting at most 3
// columns before the padded row's end.
#define CK_ROW_SLACK 96

// The helpers below take and return 16-float vectors; they are always inlined into the entry
// points, so no call passes one and the AVX-512 ABI note clang gives for them does not apply.
#define CK_INLINE static inline __attribute__((always_inline))
#pragma clang diagnostic ignored "-Wpsabi"

size_t ck_winograd_scratch_floats(size_t width, size_t padding_width) {
    return 7 * (width + 2 * padding_width + CK_ROW_SLACK);
}

CK_INLINE ck_vector16 ck_load16(const float *pointer) {
    ck_vector16 value;
    memcpy(&value, pointer, sizeof value);
    return value;
}

CK_INLINE void ck_store16(float *pointer, ck_vector16 value) {
    memcpy(pointer, &value, sizeof value);
}

// Bᵀ x for the six vectors x[0...5], into y[0...5].
CK_INLINE void ck_input_transform(const ck_vector16 x[6], ck_vector16 y[6]) {
    ck_vector16 a = 4 * x[4] - x[2], b = 4 * x[3] - x[1];
    ck_vector16 p = 2 * (x[2] - x[4]), q = x[1] - x[3];
    y[0] = x[0] - 5 * x[2] + 4 * x[4];
    y[1] = a + b;
    y[2] = a - b;
    y[3] = p + q;
    y[4] = p - q;
    y[5] = x[1] - 5 * x[3] + 4 * x[5];
}

// Aᵀ x for the six vectors x[0...5], into y[0...3].
CK_INLINE void ck_output_transform(const ck_vector16 x[6], ck_vector16 y[4]) {
    ck_vector16 sum = x[1] + x[2], difference = x[1] - x[2];
    ck_vector16 outer_sum = x[3] + x[4], outer_difference = x[3] - x[4];
    y[0] = x[0] + sum + outer_sum;
    y[1] = difference + 0.5f * outer_difference;
    y[2] = sum + 0.25f * outer_sum;
    y[3] = difference + 0.125f * outer_difference + x[5];
}

// Lanes J, J + 4, ..., J + 60 of the 64 floats in LOW0, LOW1, HIGH0, HIGH1 (16 each).
#define CK_EVERY_FOURTH(LOW0, LOW1, HIGH0, HIGH1, J)                                              \
    __builtin_shufflevector(                                                                      \
        __builtin_shufflevector(LOW0, LOW1, J, J + 4, J + 8, J + 12, J + 16, J + 20, J + 24, J + 28), \
        __builtin_shufflevector(HIGH0, HIGH1, J, J + 4, J + 8, J + 12, J + 16, J + 20, J + 24, J + 28), \
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

// Columns 0...5 of the 6-wide patches of 16 tiles whose first patch starts at `row`: column j
// of tile k is row[4k + j] (patches overlap by two columns).
CK_INLINE void ck_patch_columns(const float *row, ck_vector16 columns[6]) {
    ck_vector16 r0 = ck_load16(row), r1 = ck_load16(row + 16), r2 = ck_load16(row + 32);
    ck_vector16 r3 = ck_load16(row + 48), next = ck_load16(row + 64);
    columns[0] = CK_EVERY_FOURTH(r0, r1, r2, r3, 0);
    columns[1] = CK_EVERY_FOURTH(r0, r1, r2, r3, 1);
    columns[2] = CK_EVERY_FOURTH(r0, r1, r2, r3, 2);
    columns[3] = CK_EVERY_FOURTH(r0, r1, r2, r3, 3);
    // Columns 4 and 5 of tile k are columns 0 and 1 of tile k + 1; tile 16's are next[0...1].
    columns[4] = __builtin_shufflevector(columns[0], next, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
    columns[5] = __builtin_shufflevector(columns[1], next, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17);
}

// The part of tile row `row` inside tiles first ..< last (row-major, `columns` to a row): its
// tile columns begin ..< end, the first one being tile `offset` from `first`.
typedef struct {
    size_t begin, end, offset;
} ck_tile_row_span;

CK_INLINE ck_tile_row_span ck_span(size_t row, size_t columns, size_t first, size_t last) {
    size_t row_start = row * columns;
    size_t begin = first > row_start ? first - row_start : 0;
    size_t end = last - row_start < columns ? last - row_start : columns;
    return (ck_tile_row_span){begin, end, row_start + begin - first};
}

// image: channels x H x W -> transformed: 36 x channels x tiles (row_stride, plane_stride)
CK_INLINE void ck_winograd_input_lanes(ck_winograd_geometry geometry, const float *image, size_t first_tile,
                                       size_t last_tile, size_t first_channel, size_t last_channel,
                                       size_t row_stride, size_t plane_stride, float *scratch, float *transformed) {
    const size_t height = geometry.height, width = geometry.width;
    const size_t padded_width = width + 2 * geometry.padding_width + CK_ROW_SLACK, tile_columns = geometry.tile_columns;
    if (last_tile <= first_tile) return;
    memset(scratch, 0, 7 * padded_width * sizeof(float));
    const float *zero_row = scratch + 6 * padded_width;
    for (size_t channel = first_channel; channel < last_channel; channel++) {
        const float *plane = image + channel * height * width;
        for (size_t tile_row = first_tile / tile_columns; tile_row <= (last_tile - 1) / tile_columns; tile_row++) {
            const ck_tile_row_span span = ck_span(tile_row, tile_columns, first_tile, last_tile);
            // The six input rows of the tile row, with the padding written out as zeros.
            const float *patch_rows[6];
            for (size_t index = 0; index < 6; index++) {
                ptrdiff_t y = (ptrdiff_t)(4 * tile_row + index) - (ptrdiff_t)geometry.padding_height;
                patch_rows[index] = zero_row;
                if (y < 0 || y >= (ptrdiff_t)height) continue;
                float *row = scratch + index * padded_width;
                memcpy(row + geometry.padding_width, plane + (size_t)y * width, width * sizeof(float));
                patch_rows[index] = row;
            }
            float *destination = transformed + channel * row_stride + span.offset;
            for (size_t column = span.begin; column < span.end; column += CK_LANES, destination += CK_LANES) {
                // Row r of d B, from patch row r (padded x = 4 * tile is the patch's column 0).
                ck_vector16 times_b[6][6];
                for (int row = 0; row < 6; row++) {
                    ck_vector16 columns[6];
                    ck_patch_columns(patch_rows[row] + 4 * column, columns);
                    ck_input_transform(columns, times_b[row]);
                }
                // Column j of Bᵀ (d B) holds V[i][j], stored at ξ = 6i + j.
                for (int j = 0; j < 6; j++) {
                    ck_vector16 column_values[6] = {times_b[0][j], times_b[1][j], times_b[2][j],
                                                    times_b[3][j], times_b[4][j], times_b[5][j]};
                    ck_vector16 values[6];
                    ck_input_transform(column_values, values);
                    for (int i = 0; i < 6; i++) ck_store16(destination + (6 * i + j) * plane_stride, values[i]);
                }
            }
        }
    }
}

// One output row of 16 tiles, `columns[c]` lane k being column c of tile k: the 64 values
// columns[0][0], columns[1][0], columns[2][0], columns[3][0], columns[0][1], ... of which the
// first `limit` are stored.
CK_INLINE void ck_store_interleaved(const ck_vector16 columns[4], float *pointer, size_t limit) {
    ck_vector16 pairs01_low = __builtin_shufflevector(columns[0], columns[1], 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    ck_vector16 pairs01_high = __builtin_shufflevector(columns[0], columns[1], 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    ck_vector16 pairs23_low = __builtin_shufflevector(columns[2], columns[3], 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    ck_vector16 pairs23_high = __builtin_shufflevector(columns[2], columns[3], 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    // Tiles 4q ... 4q + 3 in order, from the pairs of columns (0, 1) and (2, 3).
    ck_vector16 rows[4] = {
        __builtin_shufflevector(pairs01_low, pairs23_low, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23),
        __builtin_shufflevector(pairs01_low, pairs23_low, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31),
        __builtin_shufflevector(pairs01_high, pairs23_high, 0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23),
        __builtin_shufflevector(pairs01_high, pairs23_high, 8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31),
    };
    size_t whole = limit / 16;
    for (size_t quarter = 0; quarter < whole; quarter++) ck_store16(pointer + 16 * quarter, rows[quarter]);
    if (whole < 4) {
        const float *rest = (const float *)&rows[whole];
        for (size_t index = 0; index < limit % 16; index++) pointer[16 * whole + index] = rest[index];
    }
}

// max(x, 0) in every lane, NaN staying NaN as in PyTorch (a maximum instruction would give 0).
CK_INLINE ck_vector16 ck_relu(ck_vector16 x) {
    const ck_vector16 zero = {0};
    ck_integer16 keep = ~(x < zero), bits; // NaN compares false: kept
    memcpy(&bits, &x, sizeof bits);
    bits &= keep;
    memcpy(&x, &bits, sizeof x);
    return x;
}

// products: 36 x channels x tiles (row_stride, plane_stride) -> output: channels x H' x W'
CK_INLINE void ck_winograd_output_lanes(ck_winograd_geometry geometry, const float *products, size_t first_tile,
                                        size_t last_tile, size_t first_channel, size_t last_channel,
                                        size_t row_stride, size_t plane_stride, const float *bias, int relu,
                                        float *output) {
    const size_t output_height = geometry.output_height, output_width = geometry.output_width;
    const size_t tile_columns = geometry.tile_columns;
    const ck_vector16 zero = {0};
    if (last_tile <= first_tile) return;
    for (size_t channel = first_channel; channel < last_channel; channel++) {
        const ck_vector16 shift = zero + (bias ? bias[channel] : 0.0f);
        float *plane = output + channel * output_height * output_width;
        for (size_t tile_row = first_tile / tile_columns; tile_row <= (last_tile - 1) / tile_columns; tile_row++) {
            const ck_tile_row_span span = ck_span(tile_row, tile_columns, first_tile, last_tile);
            const float *source = products + channel * row_stride + span.offset;
            const size_t first_row = 4 * tile_row;
            const size_t rows = output_height - first_row < 4 ? output_height - first_row : 4;
            for (size_t column = span.begin; column < span.end; column += CK_LANES, source += CK_LANES) {
                // Row r of Aᵀ M, from the columns j of M (ξ = 6i + j).
                ck_vector16 transposed_times_m[4][6];
                for (int j = 0; j < 6; j++) {
                    ck_vector16 m[6], values[4];
                    for (int i = 0; i < 6; i++) m[i] = ck_load16(source + (6 * i + j) * plane_stride);
                    ck_output_transform(m, values);
                    for (int r = 0; r < 4; r++) transposed_times_m[r][j] = values[r];
                }
                const size_t count = span.end - column < CK_LANES ? span.end - column : CK_LANES;
                const size_t limit = 4 * count < output_width - 4 * column ? 4 * count : output_width - 4 * column;
                for (size_t r = 0; r < rows; r++) {
                    ck_vector16 values[4];
                    ck_output_transform(transposed_times_m[r], values);
                    for (int c = 0; c < 4; c++) {
                        values[c] += shift;
                        if (relu) values[c] = ck_relu(values[c]);
                    }
                    ck_store_interleaved(values, plane + (first_row + r) * output_width + 4 * column, limit);
                }
            }
        }
    }
}

// The entry points for one instruction set: NAME_input and NAME_output with ATTRIBUTES.
#define CK_WINOGRAD_ENTRY_POINTS(NAME, ATTRIBUTES)                                                  \
    ATTRIBUTES static void NAME##_input(ck_winograd_geometry geometry, const float *image,     \
                                        size_t first_tile, size_t last_tile, size_t first_channel,   \
                                        size_t last_channel, size_t row_stride, size_t plane_stride, \
                                        float *scratch, float *transformed) {                        \
        ck_winograd_input_lanes(geometry, image, first_tile, last_tile, first_channel, last_channel, \
                                row_stride, plane_stride, scratch, transformed);                     \
    }                                                                                                \
    ATTRIBUTES static void NAME##_output(ck_winograd_geometry geometry, const float *products, \
                                         size_t first_tile, size_t last_tile, size_t first_channel,  \
                                         size_t last_channel, size_t row_stride, size_t plane_stride, \
                                         const float *bias, int relu, float *output) {               \
        ck_winograd_output_lanes(geometry, products, first_tile, last_tile, first_channel,           \
                                 last_channel, row_stride, plane_stride, bias, relu, output);        \
    }

CK_WINOGRAD_ENTRY_POINTS(ck_winograd_baseline, )

#ifdef CK_AVX2
CK_WINOGRAD_ENTRY_POINTS(ck_winograd_avx2, CK_AVX2)
CK_WINOGRAD_ENTRY_POINTS(ck_winograd_avx512, __attribute__((target("avx512f,avx2,fma"))))
#endif

ck_instruction_set ck_widest_instruction_set(void) {
#ifdef CK_AVX2
    // Computed on first use; racing threads compute and store the same value.
    static int widest = -1;
    int value = __atomic_load_n(&widest, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f") ? CK_SET_AVX512 : ck_uses_avx2() ? CK_SET_AVX2 : CK_SET_BASELINE;
        __atomic_store_n(&widest, value, __ATOMIC_RELAXED);
    }
    return (ck_instruction_set)value;
#else
    return CK_SET_BASELINE;
#endif
}

// The entry points of one instruction set.
typedef struct {
    void (*input)(ck_winograd_geometry, const float *, size_t, size_t, size_t, size_t, size_t, size_t, float *,
                  float *);
    void (*output)(ck_winograd_geometry, const float *, size_t, size_t, size_t, size_t, size_t, size_t,
                   const float *, int, float *);
} ck_winograd_entry_points;

// Those of `set`, or of the widest set this CPU runs if that is narrower.
static ck_winograd_entry_points ck_winograd_for(ck_instruction_set set) {
    ck_instruction_set widest = ck_widest_instruction_set();
    switch (set < widest ? set : widest) {
#ifdef CK_AVX2
    case CK_SET_AVX512: return (ck_winograd_entry_points){ck_winograd_avx512_input, ck_winograd_avx512_output};
    case CK_SET_AVX2: return (ck_winograd_entry_points){ck_winograd_avx2_input, ck_winograd_avx2_output};
#endif
    default: return (ck_winograd_entry_points){ck_winograd_baseline_input, ck_winograd_baseline_output};
    }
}

void ck_winograd_input(ck_instruction_set set, ck_winograd_geometry geometry, const float *image,
                       size_t first_tile, size_t last_tile, size_t first_channel, size_t last_channel,
                       size_t row_stride, size_t plane_stride, float *scratch, float *transformed) {
    ck_winograd_for(set).input(geometry, image, first_tile, last_tile, first_channel, last_channel, row_stride,
                               plane_stride, scratch, transformed);
}

void ck_winograd_output(ck_instruction_set set, ck_winograd_geometry geometry, const float *products,
                        size_t first_tile, size_t last_tile, size_t first_channel, size_t last_channel,
                        size_t row_stride, size_t plane_stride, const float *bias, int relu, float *output) {
    ck_winograd_for(set).output(geometry, products, first_tile, last_tile, first_channel, last_channel, row_stride,
                                plane_stride, bias, relu, output);
}
