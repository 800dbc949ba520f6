import CKernels

/// A 3x3, stride-1 convolution computed with Winograd's minimal filtering F(4x4, 3x3)
/// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) through GEMM:
/// `Conv2D`'s fast path for VGG's layers.
///
/// Each 4x4 block of outputs ("tile") is `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A` for the 6x6 input patch
/// `d` around it and each 3x3 filter `g`, the transforms interpolating at 0, ±1, ±1/2 and
/// infinity (see `filterTransform`, and Bᵀ and Aᵀ in CKernels' `winograd_transforms.c`).
/// Summed over input channels, the elementwise product becomes 36 independent matrix
/// products, one per position ξ of the 6x6 transform: `M[ξ] (O x tiles) = U[ξ] (O x I) * V[ξ] (I x tiles)`, with
/// `U = G g Gᵀ` computed once here and `V = Bᵀ d B` per image. That takes 36 multiply-adds per
/// tile and channel pair where direct convolution takes 144, 4 times fewer.
///
/// The tiles of an image are processed in blocks (runs of tiles in row-major order) so that
/// the transformed input and the products of one block stay within `bufferLimit` bytes. The
/// input and output transforms are CKernels' `ck_winograd_input` and `ck_winograd_output`
/// (16 tiles per vector); the filter transform, once at load time, is here.
struct WinogradConvolution: Sendable {
    /// Outputs per tile side (m of F(m x m, 3x3)).
    static let tileSide = 4
    /// Side of the input patch and of the transforms: m + 3 - 1.
    static let patchSide = 6
    /// Positions ξ of a transform, and so GEMMs per block.
    static let positions = patchSide * patchSide

    /// O.
    let outputChannels: Int
    /// I.
    let inputChannels: Int
    /// `U = G g Gᵀ` for every filter: `[36, O, I]`, ξ = 6 * row + column of the 6x6 transform.
    let transformedWeight: Tensor
    /// The bias, `[O]`, zeros where the convolution has none.
    let bias: [Float]
    /// Zeros added on each side of the input.
    let padding: (height: Int, width: Int)
    /// Whether ReLU is applied to the output.
    let fusesReLU: Bool
    /// The most bytes the per-block buffers (transformed input and products) may take.
    let bufferLimit: Int
    /// The vector instructions of the input and output transforms.
    let instructionSet: ck_instruction_set

    /// Transforms the `[O, I, 3, 3]` weight; the transforms run in `instructionSet` (by default
    /// the widest this CPU runs; a narrower one is for tests).
    init(weight: Tensor, bias: Tensor?, padding: (height: Int, width: Int), fusesReLU: Bool, bufferLimit: Int,
         instructionSet: ck_instruction_set = ck_widest_instruction_set()) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                     "Winograd F(4x4, 3x3) needs a [O, I, 3, 3] weight, got \(weight.shape)")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        outputChannels = outputs
        inputChannels = inputs
        self.bias = (0..<outputs).map { bias?[flat: $0] ?? 0 }
        self.padding = padding
        self.fusesReLU = fusesReLU
        self.bufferLimit = bufferLimit
        self.instructionSet = instructionSet
        // On huge pages (`LargeBuffer`): the transform writes all of it at load time.
        let storage = LargeBuffer(count: Self.positions * outputs * inputs)
        transformedWeight = Tensor(shape: [Self.positions, outputs, inputs], borrowing: storage.pointer, owner: storage)
        let transformedBase = storage.pointer
        weight.withUnsafeBufferPointer { filters in
            guard let filterBase = filters.baseAddress else { return }
            let pairs = outputs * inputs
            // Four filters at a time (lane k: filter pair + k), so that each of the 36
            // values of U lands as one 4-wide store in its plane.
            ComputeThreads.parallelFor((pairs + 3) / 4, minimumChunk: 1024) { groups in
                for group in groups {
                    Self.transformFilters(filterBase, first: group * 4, count: min(4, pairs - group * 4),
                                          into: transformedBase, planeStride: pairs)
                }
            }
        }
    }

    /// `U = G g Gᵀ` of filters `first ..< first + count` (count 1...4), each 3x3 `g` at
    /// `filters + 9 * pair`, written at `transformed[ξ * planeStride + pair]`.
    // filters: pairs x 3 x 3 -> transformed: 36 x pairs
    private static func transformFilters(_ filters: UnsafePointer<Float>, first: Int, count: Int,
                                         into transformed: UnsafeMutablePointer<Float>, planeStride: Int) {
        // g[element] across the filters of the group (missing filters read as zero).
        let base = filters + first * 9
        func g(_ element: Int) -> Lanes {
            if count == 4 {
                return Lanes(base[element], base[9 + element], base[18 + element], base[27 + element])
            }
            var lanes = Lanes()
            for lane in 0..<count { lanes[lane] = base[lane * 9 + element] }
            return lanes
        }
        func store(_ values: Lanes, _ position: Int) {
            let destination = transformed + position * planeStride + first
            if count == 4 {
                UnsafeMutableRawPointer(destination).storeBytes(of: values, as: Lanes.self)
            } else {
                for lane in 0..<count { destination[lane] = values[lane] }
            }
        }
        // Columns of G g (6 x 3), each holding its 6 rows; then row r of G g times Gᵀ is
        // row r of U.
        let columns = (filterTransform(g(0), g(3), g(6)), filterTransform(g(1), g(4), g(7)),
                       filterTransform(g(2), g(5), g(8)))
        withSixRows(of: columns) { row, values in
            let transformedRow = filterTransform(values.0, values.1, values.2)
            forEach(transformedRow) { column, value in store(value, patchSide * row + column) }
        }
    }

    /// Floats of scratch memory `apply` needs for an `H' x W'` output: the transformed input
    /// and the products of one block.
    func workspaceCount(outputHeight: Int, outputWidth: Int) -> Int {
        let layout = blockLayout(outputHeight: outputHeight, outputWidth: outputWidth)
        return Self.positions * (layout.inputPlane + layout.outputPlane)
    }

    /// Tiles along an output side of `length` values.
    private static func tiles(along length: Int) -> Int {
        (length + tileSide - 1) / tileSide
    }

    /// The block size and strides for an `H' x W'` output.
    private func blockLayout(outputHeight: Int, outputWidth: Int) -> BlockLayout {
        let tileCount = Self.tiles(along: outputHeight) * Self.tiles(along: outputWidth)
        let bytesPerTile = Self.positions * MemoryLayout<Float>.stride * (inputChannels + outputChannels)
        return BlockLayout(length: min(tileCount, max(1, bufferLimit / bytesPerTile)),
                           inputChannels: inputChannels, outputChannels: outputChannels)
    }

    /// Convolves one image: `image` `I x H x W` -> `output` `O x H' x W'` with
    /// `H' = H + 2 * padding.height - 2` (and likewise W'), both at least 1; `workspace` holds
    /// `workspaceCount(outputHeight:outputWidth:)` floats.
    func apply(image: UnsafePointer<Float>, height: Int, width: Int,
               output: UnsafeMutablePointer<Float>, outputHeight: Int, outputWidth: Int,
               workspace: UnsafeMutablePointer<Float>) {
        let tileColumns = Self.tiles(along: outputWidth)
        let tileCount = Self.tiles(along: outputHeight) * tileColumns
        let layout = blockLayout(outputHeight: outputHeight, outputWidth: outputWidth)
        let (transformedInput, products) = (workspace, workspace + Self.positions * layout.inputPlane)
        let geometry = ck_winograd_geometry(
            height: height, width: width, output_height: outputHeight, output_width: outputWidth,
            tile_columns: tileColumns, padding_height: padding.height, padding_width: padding.width)
        let scratchCount = ck_winograd_scratch_floats(width, padding.width)
        let set = instructionSet
        transformedWeight.withUnsafeBufferPointer { weights in
            guard let weightBase = weights.baseAddress else { return }
            for blockStart in stride(from: 0, to: tileCount, by: layout.length) {
                let block = blockStart..<min(tileCount, blockStart + layout.length)
                // image: I x H x W -> V: 36 x I x block, channels split between the threads.
                ComputeThreads.parallelFor(inputChannels, minimumChunk: max(1, 4096 / block.count)) { channels in
                    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
                    defer { scratch.deallocate() }
                    ck_winograd_input(set, geometry, image, block.lowerBound, block.upperBound,
                                      channels.lowerBound, channels.upperBound, layout.rowStride,
                                      layout.inputPlane, scratch, transformedInput)
                }
                // U[ξ]: O x I, V[ξ]: I x block -> M[ξ]: O x block, for each of the 36 ξ. Threads
                // take whole GEMMs (one wait per block, where splitting each GEMM waited 36 times).
                ComputeThreads.parallelFor(Self.positions) { positions in
                    for position in positions {
                        GEMM.multiply(
                            m: outputChannels, n: block.count, k: inputChannels,
                            a: weightBase + position * outputChannels * inputChannels, lda: inputChannels,
                            b: transformedInput + position * layout.inputPlane, ldb: layout.rowStride,
                            c: products + position * layout.outputPlane, ldc: layout.rowStride)
                    }
                }
                // M: 36 x O x block -> output: O x H' x W', plus the bias and ReLU.
                bias.withUnsafeBufferPointer { bias in
                    ComputeThreads.parallelFor(outputChannels, minimumChunk: max(1, 4096 / block.count)) { channels in
                        ck_winograd_output(set, geometry, products, block.lowerBound, block.upperBound,
                                           channels.lowerBound, channels.upperBound, layout.rowStride,
                                           layout.outputPlane, bias.baseAddress, fusesReLU ? 1 : 0, output)
                    }
                }
            }
        }
    }

    /// Where the 36 matrices of a block lie in the buffers: `V[ξ]` row i at
    /// `ξ * inputPlane + i * rowStride`, `M[ξ]` row o at `ξ * outputPlane + o * rowStride`.
    /// Rows have 16 spare values after the block's tiles, so that the transforms' 16-tile
    /// groups are always loaded and stored whole; the strides are padded off powers of two,
    /// which would map the 36 matrices (and the rows a GEMM packs) onto the same cache sets.
    struct BlockLayout {
        /// Most tiles per block.
        let length: Int
        /// Values from one row of a matrix to the next.
        let rowStride: Int
        /// Values from one `V[ξ]` to the next.
        let inputPlane: Int
        /// Values from one `M[ξ]` to the next.
        let outputPlane: Int

        init(length: Int, inputChannels: Int, outputChannels: Int) {
            self.length = length
            rowStride = length + 16
            inputPlane = inputChannels * rowStride + 16
            outputPlane = outputChannels * rowStride + 16
        }
    }

    /// Four filters side by side: one value of a transform, lane k for the k-th.
    typealias Lanes = SIMD4<Float>
    /// Six values of a row (or column) of a 6x6 transform, each for four filters.
    typealias Six = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)

    /// G x for a 3-vector x: (x0, (x0 + x1 + x2) / 6, (x0 - x1 + x2) / 6,
    /// (4 x0 + 2 x1 + x2) / 3, (4 x0 - 2 x1 + x2) / 3, x2 / 4).
    @inline(__always)
    private static func filterTransform(_ x0: Lanes, _ x1: Lanes, _ x2: Lanes) -> Six {
        let (even, odd) = (x0 + x2, x1)
        let (fourEven, twoOdd) = (4 * x0 + x2, 2 * x1)
        return (x0, (even + odd) * (1 / 6), (even - odd) * (1 / 6),
                (fourEven + twoOdd) * (1 / 3), (fourEven - twoOdd) * (1 / 3), x2 * 0.25)
    }

    /// Calls `body(r, (m[r][0], m[r][1], m[r][2]))` for the rows r = 0...5 of a 6x3 matrix
    /// given as its three columns.
    @inline(__always)
    private static func withSixRows(of columns: (Six, Six, Six), _ body: (Int, (Lanes, Lanes, Lanes)) -> Void) {
        let (c0, c1, c2) = columns
        body(0, (c0.0, c1.0, c2.0))
        body(1, (c0.1, c1.1, c2.1))
        body(2, (c0.2, c1.2, c2.2))
        body(3, (c0.3, c1.3, c2.3))
        body(4, (c0.4, c1.4, c2.4))
        body(5, (c0.5, c1.5, c2.5))
    }

    /// Calls `body(index, value)` for the six values in order.
    @inline(__always)
    private static func forEach(_ values: Six, _ body: (Int, Lanes) -> Void) {
        body(0, values.0)
        body(1, values.1)
        body(2, values.2)
        body(3, values.3)
        body(4, values.4)
        body(5, values.5)
    }
}
