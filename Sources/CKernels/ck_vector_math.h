// Vector helpers shared by the CKernels sources (not part of the module's interface):
// GCC/Clang vector types 4 and 8 floats wide, the AVX2 + FMA target attribute, and a
// vectorised expf.
//
// exp is Cephes' expf, vectorised: x = n ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two
// constants so that n ln 2 is exact), exp(r) by a degree-6 polynomial (relative error about
// 1e-7, like libm's expf within a few ulps), times 2^n built in the exponent bits. Arguments
// are clamped to [-87.3, 88.4], where expf is normal (so exp(-100) is about 1e-38, not 0);
// NaN stays NaN.
#ifndef CK_VECTOR_MATH_H
#define CK_VECTOR_MATH_H

#include <string.h>

typedef float ck_vector8 __attribute__((vector_size(32), aligned(4)));
typedef int ck_integer8 __attribute__((vector_size(32), aligned(4)));
typedef float ck_vector4 __attribute__((vector_size(16), aligned(4)));
typedef int ck_integer4 __attribute__((vector_size(16), aligned(4)));

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define CK_AVX2 __attribute__((target("avx2,fma")))
#endif

// exp of every lane: NAME(VECTOR) -> VECTOR, for a vector type and its integer twin.
#define CK_EXP(NAME, VECTOR, INTEGERS, ATTRIBUTES)                                              \
    ATTRIBUTES static inline VECTOR NAME(VECTOR original) {                                    \
        VECTOR zero = {0}, x = original;                                                        \
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
        result *= scale;                                                                        \
        /* NaN lanes (the only ones unequal to themselves) pass through unchanged */            \
        INTEGERS number = original == original, resultBits, originalBits;                      \
        memcpy(&resultBits, &result, sizeof result);                                            \
        memcpy(&originalBits, &original, sizeof original);                                      \
        resultBits = (resultBits & number) | (originalBits & ~number);                          \
        memcpy(&result, &resultBits, sizeof result);                                            \
        return result;                                                                          \
    }


#endif
