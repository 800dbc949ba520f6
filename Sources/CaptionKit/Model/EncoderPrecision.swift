import CKernels

/// The arithmetic the convolutional encoder runs in. The decoder always runs in float32.
///
/// - `fp32`: float32 throughout (the reference; Winograd F(4x4, 3x3) on the larger maps).
/// - `bf16`: activations and weights rounded to bfloat16 (8 bits of mantissa), products summed
///   in float32 by AVX-512 BF16's `vdpbf16ps`. Needs no calibration.
/// - `int8`: 8-bit activations and weights summed in int32 by AVX-512 VNNI
///   (`PackedConvolution`), with the activation scales of the bundle's
///   `int8-calibration.json` (`Int8Calibration`).
///
/// In both reduced precisions the first convolution (3 input channels) stays in float32.
/// A precision the CPU cannot run falls back to `fp32`: see `fallback` and
/// `VGGEncoder.precision`.
public enum EncoderPrecision: String, Sendable, CaseIterable, Equatable {
    /// float32 (the default).
    case fp32
    /// bfloat16 products, float32 sums (AVX-512 BF16).
    case bf16
    /// int8 products, int32 sums (AVX-512 VNNI), calibrated activation scales.
    case int8

    /// Whether this CPU has the instructions the precision needs.
    public var isSupported: Bool {
        switch self {
        case .fp32: return true
        case .bf16: return ck_supports_arithmetic(CK_BF16) != 0
        case .int8: return ck_supports_arithmetic(CK_INT8) != 0
        }
    }

    /// The instructions the precision needs, as a person reads them.
    public var requiredInstructions: String {
        switch self {
        case .fp32: return "none beyond the baseline"
        case .bf16: return "AVX-512 BF16 (vdpbf16ps)"
        case .int8: return "AVX-512 VNNI (vpdpbusd)"
        }
    }

    /// What the encoder runs in when this precision is asked for on this CPU: the precision
    /// itself when supported, else `fp32`.
    public var effective: EncoderPrecision { isSupported ? self : .fp32 }

    /// The warning to show when this precision falls back to fp32 on this CPU; nil when it
    /// does not.
    public var fallback: String? {
        guard !isSupported else { return nil }
        return "this CPU lacks \(requiredInstructions), which the \(rawValue) encoder needs; it runs in fp32 instead"
    }
}
