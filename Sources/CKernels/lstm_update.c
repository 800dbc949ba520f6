// ck_lstm_update: the elementwise half of an LSTM step (see CKernels.h), with sigmoid and
// tanh built on ck_vector_math.h's exp: sigmoid(x) = 1 / (1 + exp(-x)), tanh(x) =
// 2 sigmoid(2x) - 1 (absolute error about 1e-7, as the float result of libm's tanhf next to
// 1). One body, 8-wide for AVX2 + FMA and 4-wide for the baseline; the tail of a row that is
// not a whole vector goes through the same functions one lane at a time.
#include "CKernels.h"
#include "ck_vector_math.h"

#define CK_LSTM(NAME, VECTOR, WIDTH, EXP, ATTRIBUTES)                                             \
    ATTRIBUTES static inline VECTOR NAME##_sigmoid(VECTOR x) { return 1.0f / (1.0f + EXP(-x)); }  \
    ATTRIBUTES static inline VECTOR NAME##_tanh(VECTOR x) {                                      \
        return 2.0f / (1.0f + EXP(-2.0f * x)) - 1.0f;                                           \
    }                                                                                            \
    /* Units [unit, unit + count) of one row: gates i, f, g, o are `size` apart. */              \
    ATTRIBUTES static inline void NAME##_units(const float *gate, size_t size, float *hidden,    \
                                               float *cell, size_t count) {                      \
        VECTOR input = {0}, forget = {0}, candidate = {0}, output = {0}, state = {0};            \
        memcpy(&input, gate, count * sizeof(float));                                             \
        memcpy(&forget, gate + size, count * sizeof(float));                                     \
        memcpy(&candidate, gate + 2 * size, count * sizeof(float));                              \
        memcpy(&output, gate + 3 * size, count * sizeof(float));                                 \
        memcpy(&state, cell, count * sizeof(float));                                             \
        state = NAME##_sigmoid(forget) * state + NAME##_sigmoid(input) * NAME##_tanh(candidate); \
        VECTOR next = NAME##_sigmoid(output) * NAME##_tanh(state);                               \
        memcpy(cell, &state, count * sizeof(float));                                             \
        memcpy(hidden, &next, count * sizeof(float));                                            \
    }                                                                                            \
    ATTRIBUTES static void NAME(const float *gates, size_t rows, size_t size, float *hidden,     \
                                float *cell) {                                                   \
        for (size_t row = 0; row < rows; row++) {                                               \
            const float *gate = gates + row * 4 * size;                                          \
            size_t unit = 0;                                                                     \
            for (; unit + WIDTH <= size; unit += WIDTH)                                          \
                NAME##_units(gate + unit, size, hidden + row * size + unit,                      \
                             cell + row * size + unit, WIDTH);                                   \
            for (; unit < size; unit++)                                                          \
                NAME##_units(gate + unit, size, hidden + row * size + unit,                      \
                             cell + row * size + unit, 1);                                       \
        }                                                                                        \
    }

CK_EXP(ck_lstm_baseline_exp, ck_vector4, ck_integer4, )
CK_LSTM(ck_lstm_baseline, ck_vector4, 4, ck_lstm_baseline_exp, )

#ifdef CK_AVX2
CK_EXP(ck_lstm_avx2_exp, ck_vector8, ck_integer8, CK_AVX2)
CK_LSTM(ck_lstm_avx2, ck_vector8, 8, ck_lstm_avx2_exp, CK_AVX2)
#endif

void ck_lstm_update(const float *gates, size_t rows, size_t size, float *hidden, float *cell) {
#ifdef CK_AVX2
    if (ck_uses_avx2()) {
        ck_lstm_avx2(gates, rows, size, hidden, cell);
        return;
    }
#endif
    ck_lstm_baseline(gates, rows, size, hidden, cell);
}
