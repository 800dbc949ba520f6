/// Pillow's `Image.resize((width, height), Image.BILINEAR)` for 8-bit RGB, reproduced
/// operation for operation (Pillow's libImaging/Resample.c, read for its semantics):
///
/// - per axis, a triangle filter of support 1 scaled by the downscale factor (so shrinking
///   averages every covered input pixel, growing interpolates between two); the window of
///   output pixel `i` is centred at `(i + 0.5) * scale` and its bounds are rounded;
/// - weights normalised to sum 1 in Double, then converted to fixed point with 22 fraction
///   bits, rounding half away from zero;
/// - a horizontal pass into an 8-bit intermediate (each sum starts at one half, is shifted
///   right by 22 bits and clipped to 0...255), then a vertical pass the same way. Only the
///   rows the vertical pass reads are resampled horizontally; a pass whose size does not
///   change is skipped (it would be the identity).
struct BilinearResampler {
    /// Fraction bits of the fixed-point weights (Pillow: 32 - 8 - 2).
    static let precisionBits: Int32 = 22

    /// The filter taps of one axis: for output index `i`, input indices
    /// `starts[i] ..< starts[i] + counts[i]` with weights `weights[i * taps ..< ...]`.
    struct Axis {
        let starts: [Int]
        let counts: [Int]
        let taps: Int
        let weights: [Int32]

        /// The taps that resample `inputSize` pixels to `outputSize` pixels.
        init(inputSize: Int, outputSize: Int) {
            let scale = Double(inputSize) / Double(outputSize)
            let filterScale = max(scale, 1)
            let support = filterScale // the bilinear filter's support is 1
            let taps = Int(support.rounded(.up)) * 2 + 1
            var starts = [Int](repeating: 0, count: outputSize)
            var counts = [Int](repeating: 0, count: outputSize)
            var weights = [Int32](repeating: 0, count: outputSize * taps)
            var window = [Double](repeating: 0, count: taps)
            let one = Double(1 << BilinearResampler.precisionBits)
            for output in 0..<outputSize {
                let center = (Double(output) + 0.5) * scale
                let inverseScale = 1 / filterScale
                let start = max(Int(center - support + 0.5), 0)
                let count = min(Int(center + support + 0.5), inputSize) - start
                var total = 0.0
                for tap in 0..<count {
                    let x = (Double(tap + start) - center + 0.5) * inverseScale
                    let weight = max(1 - abs(x), 0) // triangle: 1 - |x| inside (-1, 1)
                    window[tap] = weight
                    total += weight
                }
                for tap in 0..<count {
                    let normalised = total != 0 ? window[tap] / total : window[tap]
                    let scaled = normalised * one
                    weights[output * taps + tap] = Int32(scaled < 0 ? scaled - 0.5 : scaled + 0.5)
                }
                starts[output] = start
                counts[output] = count
            }
            self.starts = starts
            self.counts = counts
            self.taps = taps
            self.weights = weights
        }
    }

    /// The fixed-point sum shifted back to 8 bits and clipped (Pillow's clip8).
    @inline(__always)
    static func clip8(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }

    /// The starting value of every sum: one half in fixed point.
    static let half: Int32 = 1 << (precisionBits - 1)

    /// Horizontal pass over `rows` rows of the source starting at row `firstRow`.
    // source: H x W x 3 -> output: rows x outputWidth x 3
    static func horizontal(_ source: UnsafeBufferPointer<UInt8>, width: Int, firstRow: Int, rows: Int,
                           axis: Axis, into output: UnsafeMutableBufferPointer<UInt8>) {
        let outputWidth = axis.starts.count
        guard let sourceBase = source.baseAddress, let outputBase = output.baseAddress else { return }
        axis.weights.withUnsafeBufferPointer { weights in
            axis.starts.withUnsafeBufferPointer { starts in
                axis.counts.withUnsafeBufferPointer { counts in
                    ComputeThreads.parallelFor(rows, minimumChunk: 8) { chunk in
                        for row in chunk {
                            let input = sourceBase + (firstRow + row) * width * 3
                            let target = outputBase + row * outputWidth * 3
                            for column in 0..<outputWidth {
                                let kernel = weights.baseAddress.unsafelyUnwrapped + column * axis.taps
                                var pixel = input + starts[column] * 3
                                var red = half, green = half, blue = half
                                for tap in 0..<counts[column] {
                                    let weight = kernel[tap]
                                    red &+= Int32(pixel[0]) &* weight
                                    green &+= Int32(pixel[1]) &* weight
                                    blue &+= Int32(pixel[2]) &* weight
                                    pixel += 3
                                }
                                target[column * 3] = clip8(red)
                                target[column * 3 + 1] = clip8(green)
                                target[column * 3 + 2] = clip8(blue)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Vertical pass; `source` row 0 is the first row `axis` reads (its starts are shifted by
    /// `firstRow`).
    // source: rows x W x 3 -> output: outputHeight x W x 3
    static func vertical(_ source: UnsafeBufferPointer<UInt8>, width: Int, firstRow: Int,
                         axis: Axis, into output: UnsafeMutableBufferPointer<UInt8>) {
        let rowLength = width * 3
        guard let sourceBase = source.baseAddress, let outputBase = output.baseAddress else { return }
        axis.weights.withUnsafeBufferPointer { weights in
            ComputeThreads.parallelFor(axis.starts.count, minimumChunk: 8) { chunk in
                var sums = [Int32](repeating: 0, count: rowLength)
                sums.withUnsafeMutableBufferPointer { sums in
                    for outputRow in chunk {
                        sums.update(repeating: half)
                        let kernel = weights.baseAddress.unsafelyUnwrapped + outputRow * axis.taps
                        let start = axis.starts[outputRow] - firstRow
                        for tap in 0..<axis.counts[outputRow] {
                            let weight = kernel[tap]
                            let input = sourceBase + (start + tap) * rowLength
                            for index in 0..<rowLength {
                                sums[index] &+= Int32(input[index]) &* weight
                            }
                        }
                        let target = outputBase + outputRow * rowLength
                        for index in 0..<rowLength {
                            target[index] = clip8(sums[index])
                        }
                    }
                }
            }
        }
    }
}

extension RGBImage {
    /// This image resampled to `width` x `height` with Pillow's `Image.resize(size,
    /// Image.BILINEAR)` semantics: antialiased (every covered pixel averaged) when
    /// shrinking, bilinear interpolation when growing, aspect ratio not kept. An image
    /// already at that size is returned unchanged.
    /// - Precondition: `width` and `height` are positive and the image is not empty.
    public func resized(width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "cannot resize to \(width) x \(height)")
        precondition(self.width > 0 && self.height > 0, "cannot resize an empty image")
        if width == self.width && height == self.height {
            return self
        }
        return pixels.withUnsafeBufferPointer { source in
            if height == self.height {
                let axis = BilinearResampler.Axis(inputSize: self.width, outputSize: width)
                return RGBImage(width: width, height: height) { output in
                    BilinearResampler.horizontal(source, width: self.width, firstRow: 0, rows: height,
                                                 axis: axis, into: output)
                }
            }
            let vertical = BilinearResampler.Axis(inputSize: self.height, outputSize: height)
            if width == self.width {
                return RGBImage(width: width, height: height) { output in
                    BilinearResampler.vertical(source, width: width, firstRow: 0, axis: vertical, into: output)
                }
            }
            // Only the rows the vertical pass reads are resampled horizontally.
            let firstRow = vertical.starts[0]
            let lastRow = vertical.starts[height - 1] + vertical.counts[height - 1]
            let horizontal = BilinearResampler.Axis(inputSize: self.width, outputSize: width)
            let intermediate = RGBImage(width: width, height: lastRow - firstRow) { output in
                BilinearResampler.horizontal(source, width: self.width, firstRow: firstRow, rows: lastRow - firstRow,
                                             axis: horizontal, into: output)
            }
            return intermediate.pixels.withUnsafeBufferPointer { rows in
                RGBImage(width: width, height: height) { output in
                    BilinearResampler.vertical(rows, width: width, firstRow: firstRow, axis: vertical, into: output)
                }
            }
        }
    }
}
