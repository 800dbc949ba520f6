/// A 3x3, stride-1 convolution computed with Winograd's minimal filtering F(2x2, 3x3)
/// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) through GEMM:
/// `Conv2D`'s fast path for VGG's layers.
///
/// Each 2x2 block of outputs ("tile") is `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A` for the 4x4 input patch
/// `d` around it and each 3x3 filter `g`. Summed over input channels, the elementwise product
/// becomes 16 independent matrix products, one per position ξ of the 4x4 transform:
/// `M[ξ] (O x tiles) = U[ξ] (O x I) * V[ξ] (I x tiles)`, with `U = G g Gᵀ` computed once here
/// and `V = Bᵀ d B` per image. That takes 16 multiply-adds per tile and channel pair where
/// direct convolution takes 36, 2.25 times fewer.
///
/// The tiles of an image are processed in blocks (runs of tiles in row-major order) so that
/// the transformed input and the products of one block stay within `bufferLimit` bytes.
struct WinogradConvolution: Sendable {
    /// O.
    let outputChannels: Int
    /// I.
    let inputChannels: Int
    /// `U = G g Gᵀ` for every filter: `[16, O, I]`, ξ = 4 * row + column of the 4x4 transform.
    let transformedWeight: Tensor
    /// `[O]`, or nil.
    let bias: Tensor?
    /// Zeros added on each side of the input.
    let padding: (height: Int, width: Int)
    /// Whether ReLU is applied to the output.
    let fusesReLU: Bool
    /// The most bytes the per-block buffers (transformed input and products) may take.
    let bufferLimit: Int

    /// Transforms the `[O, I, 3, 3]` weight.
    init(weight: Tensor, bias: Tensor?, padding: (height: Int, width: Int), fusesReLU: Bool, bufferLimit: Int) {
        precondition(weight.rank == 4 && weight.shape[2] == 3 && weight.shape[3] == 3,
                     "Winograd F(2x2, 3x3) needs a [O, I, 3, 3] weight, got \(weight.shape)")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        outputChannels = outputs
        inputChannels = inputs
        self.bias = bias
        self.padding = padding
        self.fusesReLU = fusesReLU
        self.bufferLimit = bufferLimit
        // On huge pages (`LargeBuffer`): the transform writes all of it at load time.
        let storage = LargeBuffer(count: 16 * outputs * inputs)
        transformedWeight = Tensor(shape: [16, outputs, inputs], borrowing: storage.pointer, owner: storage)
        let transformedBase = storage.pointer
        weight.withUnsafeBufferPointer { filters in
            guard let filterBase = filters.baseAddress else { return }
            let pairs = outputs * inputs
            // Four filters at a time (lane k: filter pair + k), so that each of the 16
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
    // filters: pairs x 3 x 3 -> transformed: 16 x pairs
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
        // (a, b, c) times Gᵀ: (a, (a + b + c) / 2, (a - b + c) / 2, c)
        func spread(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Quad {
            (a, (a + b + c) * 0.5, (a - b + c) * 0.5, c)
        }
        func store(_ values: Lanes, _ position: Int) {
            let destination = transformed + position * planeStride + first
            if count == 4 {
                UnsafeMutableRawPointer(destination).storeBytes(of: values, as: Lanes.self)
            } else {
                for lane in 0..<count { destination[lane] = values[lane] }
            }
        }
        func store(_ row: Quad, _ index: Int) {
            store(row.0, 4 * index)
            store(row.1, 4 * index + 1)
            store(row.2, 4 * index + 2)
            store(row.3, 4 * index + 3)
        }
        // Columns of G g (4 x 3), each holding its 4 rows; then each row of G g times Gᵀ.
        let (c0, c1, c2) = (spread(g(0), g(3), g(6)), spread(g(1), g(4), g(7)), spread(g(2), g(5), g(8)))
        store(spread(c0.0, c1.0, c2.0), 0)
        store(spread(c0.1, c1.1, c2.1), 1)
        store(spread(c0.2, c1.2, c2.2), 2)
        store(spread(c0.3, c1.3, c2.3), 3)
    }

    /// Floats of scratch memory `apply` needs for an `H' x W'` output: the transformed input
    /// and the products of one block.
    func workspaceCount(outputHeight: Int, outputWidth: Int) -> Int {
        let layout = blockLayout(outputHeight: outputHeight, outputWidth: outputWidth)
        return 16 * (layout.inputPlane + layout.outputPlane)
    }

    /// The block size and strides for an `H' x W'` output.
    private func blockLayout(outputHeight: Int, outputWidth: Int) -> BlockLayout {
        let tileCount = (outputHeight + 1) / 2 * ((outputWidth + 1) / 2)
        let bytesPerTile = 16 * MemoryLayout<Float>.stride * (inputChannels + outputChannels)
        return BlockLayout(length: min(tileCount, max(1, bufferLimit / bytesPerTile)),
                           inputChannels: inputChannels, outputChannels: outputChannels)
    }

    /// Convolves one image: `image` `I x H x W` -> `output` `O x H' x W'` with
    /// `H' = H + 2 * padding.height - 2` (and likewise W'), both at least 1; `workspace` holds
    /// `workspaceCount(outputHeight:outputWidth:)` floats.
    func apply(image: UnsafePointer<Float>, height: Int, width: Int,
               output: UnsafeMutablePointer<Float>, outputHeight: Int, outputWidth: Int,
               workspace: UnsafeMutablePointer<Float>) {
        let tileColumns = (outputWidth + 1) / 2
        let tileCount = (outputHeight + 1) / 2 * tileColumns
        let layout = blockLayout(outputHeight: outputHeight, outputWidth: outputWidth)
        let (transformedInput, products) = (workspace, workspace + 16 * layout.inputPlane)
        let geometry = TileGeometry(height: height, width: width, outputHeight: outputHeight, outputWidth: outputWidth,
                                    tileColumns: tileColumns, padding: padding)
        transformedWeight.withUnsafeBufferPointer { weights in
            guard let weightBase = weights.baseAddress else { return }
            for blockStart in stride(from: 0, to: tileCount, by: layout.length) {
                let block = blockStart..<min(tileCount, blockStart + layout.length)
                transformInput(image, geometry: geometry, tiles: block, layout: layout, into: transformedInput)
                // U[ξ]: O x I, V[ξ]: I x block -> M[ξ]: O x block, for each of the 16 ξ
                for position in 0..<16 {
                    GEMM.multiply(
                        m: outputChannels, n: block.count, k: inputChannels,
                        a: weightBase + position * outputChannels * inputChannels, lda: inputChannels,
                        b: transformedInput + position * layout.inputPlane, ldb: layout.rowStride,
                        c: products + position * layout.outputPlane, ldc: layout.rowStride)
                }
                transformOutput(products, geometry: geometry, tiles: block, layout: layout, into: output)
            }
        }
    }

    /// Where the 16 matrices of a block lie in the buffers: `V[ξ]` row i at
    /// `ξ * inputPlane + i * rowStride`, `M[ξ]` row o at `ξ * outputPlane + o * rowStride`.
    /// Rows have 4 spare values after the block's tiles, so that 4-tile groups are always
    /// loaded and stored whole; the strides are padded off powers of two, which would map the
    /// 16 matrices (and the rows a GEMM packs) onto the same cache sets.
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
            rowStride = length + 4
            inputPlane = inputChannels * rowStride + 16
            outputPlane = outputChannels * rowStride + 16
        }
    }

    /// Where tiles lie in the input and output planes.
    struct TileGeometry {
        let height: Int, width: Int, outputHeight: Int, outputWidth: Int, tileColumns: Int
        let padding: (height: Int, width: Int)

        /// Calls `body` for each tile row that `tiles` (row-major tile indices) touches, with
        /// the row, its tile columns in `tiles`, and the first one's index within `tiles`.
        func forEachRow(of tiles: Range<Int>, _ body: (_ tileRow: Int, _ columns: Range<Int>, _ offset: Int) -> Void) {
            guard !tiles.isEmpty else { return }
            for tileRow in (tiles.lowerBound / tileColumns)...((tiles.upperBound - 1) / tileColumns) {
                let rowStart = tileRow * tileColumns
                let columns = max(tiles.lowerBound - rowStart, 0)..<min(tiles.upperBound - rowStart, tileColumns)
                body(tileRow, columns, rowStart + columns.lowerBound - tiles.lowerBound)
            }
        }
    }

    /// Four tiles side by side: one value of a transform, lane k for the k-th tile.
    typealias Lanes = SIMD4<Float>
    /// Four values of a transform's row (or column), each for four tiles.
    typealias Quad = (Lanes, Lanes, Lanes, Lanes)

    /// `V = Bᵀ d B` for every channel and tile of the block, d the 4x4 input patch whose
    /// top-left corner is at (2 * tileRow - padH, 2 * tileColumn - padW); outside reads zero.
    /// Four neighbouring tiles are transformed at once, from copies of the four input rows
    /// with the padding written out as zeros, so each result is one 4-wide store.
    // image: I x H x W -> transformed: 16 x I x tiles.count (layout's strides)
    private func transformInput(_ image: UnsafePointer<Float>, geometry: TileGeometry, tiles: Range<Int>,
                                layout: BlockLayout, into transformed: UnsafeMutablePointer<Float>) {
        let (height, width) = (geometry.height, geometry.width)
        // A padded row: padding, the row, padding, and slack for the last group's spare lanes.
        let paddedWidth = width + 2 * geometry.padding.width + 16
        let planeStride = layout.inputPlane
        ComputeThreads.parallelFor(inputChannels, minimumChunk: max(1, 4096 / tiles.count)) { channels in
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 5 * paddedWidth)
            defer { rows.deallocate() }
            rows.initialize(repeating: 0, count: 5 * paddedWidth)
            let zeroRow = UnsafePointer(rows + 4 * paddedWidth)
            for channel in channels {
                let plane = image + channel * height * width
                geometry.forEachRow(of: tiles) { tileRow, columns, offset in
                    let top = 2 * tileRow - geometry.padding.height
                    // The four input rows of this tile row, zero outside the image.
                    func paddedRow(_ index: Int) -> UnsafePointer<Float> {
                        let y = top + index
                        guard y >= 0 && y < height else { return zeroRow }
                        let row = rows + index * paddedWidth
                        (row + geometry.padding.width).update(from: plane + y * width, count: width)
                        return UnsafePointer(row)
                    }
                    let (row0, row1, row2, row3) = (paddedRow(0), paddedRow(1), paddedRow(2), paddedRow(3))
                    var destination = transformed + channel * layout.rowStride + offset
                    for column in stride(from: columns.lowerBound, to: columns.upperBound, by: 4) {
                        // Patch columns 0...3 of tiles column..<column+4 start at padded x = 2 * tile.
                        func patchRow(_ row: UnsafePointer<Float>) -> Quad {
                            let (first, second) = (Self.load8(row + 2 * column), Self.load8(row + 2 * column + 2))
                            return (first.evenHalf, first.oddHalf, second.evenHalf, second.oddHalf)
                        }
                        // Row k of Bᵀ d times B: (r0 - r2, r1 + r2, r2 - r1, r1 - r3), one ξ each.
                        func store(_ row: Quad, _ index: Int) {
                            let base = destination + 4 * index * planeStride
                            Self.store(row.0 - row.2, base)
                            Self.store(row.1 + row.2, base + planeStride)
                            Self.store(row.2 - row.1, base + 2 * planeStride)
                            Self.store(row.1 - row.3, base + 3 * planeStride)
                        }
                        // Bᵀ d: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3 (ordered to keep few rows live).
                        let (d0, d2) = (patchRow(row0), patchRow(row2))
                        store(Self.difference(d0, d2), 0)
                        let d1 = patchRow(row1)
                        store(Self.sum(d1, d2), 1)
                        store(Self.difference(d2, d1), 2)
                        store(Self.difference(d1, patchRow(row3)), 3)
                        destination += 4
                    }
                }
            }
        }
    }

    /// `Y = Aᵀ M A` (2x2) for every output channel and tile of the block, plus the bias and
    /// ReLU, written where the tile lies inside the output (the last row or column of tiles
    /// may stick out by one). Four neighbouring tiles at once.
    // products: 16 x O x tiles.count (layout's strides) -> output: O x H' x W'
    private func transformOutput(_ products: UnsafePointer<Float>, geometry: TileGeometry, tiles: Range<Int>,
                                 layout: BlockLayout, into output: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        let planeStride = layout.outputPlane
        ComputeThreads.parallelFor(outputChannels, minimumChunk: max(1, 4096 / tiles.count)) { channels in
            for channel in channels {
                let shift = Lanes(repeating: bias?[flat: channel] ?? 0)
                let plane = output + channel * outputHeight * outputWidth
                geometry.forEachRow(of: tiles) { tileRow, columns, offset in
                    var source = products + channel * layout.rowStride + offset
                    let row = 2 * tileRow
                    for column in stride(from: columns.lowerBound, to: columns.upperBound, by: 4) {
                        // Row k of the 4x4 M: ξ = 4k ..< 4k + 4.
                        func productRow(_ index: Int) -> Quad {
                            let base = source + 4 * index * planeStride
                            return (Self.load(base), Self.load(base + planeStride),
                                    Self.load(base + 2 * planeStride), Self.load(base + 3 * planeStride))
                        }
                        // Aᵀ M: rows m0 + m1 + m2 and m1 - m2 - m3; then each row r times A:
                        // (r0 + r1 + r2, r1 - r2 - r3).
                        let (m1, m2) = (productRow(1), productRow(2))
                        let upper = Self.sum(productRow(0), Self.sum(m1, m2))
                        let lower = Self.difference(Self.difference(m1, m2), productRow(3))
                        var values = (upper.0 + upper.1 + upper.2 + shift, upper.1 - upper.2 - upper.3 + shift,
                                      lower.0 + lower.1 + lower.2 + shift, lower.1 - lower.2 - lower.3 + shift)
                        if fusesReLU {
                            values.0.replace(with: 0, where: values.0 .< 0)
                            values.1.replace(with: 0, where: values.1 .< 0)
                            values.2.replace(with: 0, where: values.2 .< 0)
                            values.3.replace(with: 0, where: values.3 .< 0)
                        }
                        let count = min(4, columns.upperBound - column)
                        let line = plane + row * outputWidth + 2 * column
                        let limit = min(2 * count, outputWidth - 2 * column)
                        Self.storeInterleaved(values.0, values.1, line, limit: limit)
                        if row + 1 < outputHeight {
                            Self.storeInterleaved(values.2, values.3, line + outputWidth, limit: limit)
                        }
                        source += 4
                    }
                }
            }
        }
    }

    /// Lane-wise `a + b` of two quads.
    @inline(__always)
    private static func sum(_ a: Quad, _ b: Quad) -> Quad {
        (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3)
    }

    /// Lane-wise `a - b` of two quads.
    @inline(__always)
    private static func difference(_ a: Quad, _ b: Quad) -> Quad {
        (a.0 - b.0, a.1 - b.1, a.2 - b.2, a.3 - b.3)
    }

    /// Eight consecutive values.
    @inline(__always)
    private static func load8(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// Four consecutive values.
    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Four values at consecutive addresses.
    @inline(__always)
    private static func store(_ values: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: values, as: Lanes.self)
    }

    /// Stores `left[0], right[0], left[1], right[1], ...` up to `limit` (at most 8) values
    /// (the group may hold fewer than 4 tiles, and the row may end inside the last one).
    @inline(__always)
    private static func storeInterleaved(_ left: Lanes, _ right: Lanes, _ pointer: UnsafeMutablePointer<Float>, limit: Int) {
        if limit == 8 {
            let values = SIMD8(left[0], right[0], left[1], right[1], left[2], right[2], left[3], right[3])
            UnsafeMutableRawPointer(pointer).storeBytes(of: values, as: SIMD8<Float>.self)
            return
        }
        for index in 0..<limit {
            pointer[index] = index % 2 == 0 ? left[index / 2] : right[index / 2]
        }
    }
}
