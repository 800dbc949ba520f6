#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An elementwise nonlinearity: ReLU (`torch.relu`), the logistic sigmoid (`torch.sigmoid`)
/// or the hyperbolic tangent (`torch.tanh`).
///
/// Each applies in place to a buffer (`apply(to:)`, what kernels use on their own output) or
/// to a tensor (`Tensor.apply(_:)`, `Tensor.applying(_:)`).
public enum Activation: String, Sendable, CaseIterable {
    /// `max(0, x)`.
    case relu
    /// `1 / (1 + exp(-x))`, evaluated without overflow for large negative `x`.
    case sigmoid
    /// `tanh(x)`.
    case tanh

    /// Replaces every element of `values` by the activation of itself.
    public func apply(to values: UnsafeMutableBufferPointer<Float>) {
        switch self {
        case .relu:
            for index in values.indices {
                values[index] = Swift.max(values[index], 0)
            }
        case .sigmoid:
            for index in values.indices {
                values[index] = Activation.logistic(values[index])
            }
        case .tanh:
            for index in values.indices {
                values[index] = tanhf(values[index])
            }
        }
    }

    /// The activation of one value.
    public func callAsFunction(_ value: Float) -> Float {
        switch self {
        case .relu: return Swift.max(value, 0)
        case .sigmoid: return Activation.logistic(value)
        case .tanh: return tanhf(value)
        }
    }

    /// The logistic sigmoid of one value: `1 / (1 + exp(-x))` for `x >= 0`, and the
    /// equivalent `exp(x) / (1 + exp(x))` below 0 so that `exp` never overflows.
    public static func logistic(_ value: Float) -> Float {
        if value >= 0 {
            return 1 / (1 + expf(-value))
        }
        let exponential = expf(value)
        return exponential / (1 + exponential)
    }
}

extension Tensor {
    /// Applies `activation` to every element in place.
    public mutating func apply(_ activation: Activation) {
        withUnsafeMutableBufferPointer { activation.apply(to: $0) }
    }

    /// A new tensor of the same shape holding `activation` of every element.
    public func applying(_ activation: Activation) -> Tensor {
        var result = self
        result.apply(activation)
        return result
    }
}
