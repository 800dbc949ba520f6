/// A 3x3, stride-1 convolution computed with Winograd's minimal filtering F(4x4, 3x3)
/// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) through GEMM:
/// `Conv2D`'s fast path for VGG's layers.
///
/// Each 4x4 block of outputs ("tile") is `Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A` for the 6x6 input patch
/// `d` around it and each 3x3 filter `g`, the transforms interpolating at 0, ±1, ±1/2 and
/// infinity (see `filterTransform`, `inputTransform`, `outputTransform`). Summed over input
/// channels, the elementwise product becomes 36 independent matrix products, one per position
/// ξ of the 6x6 transform: `M[ξ] (O x tiles) = U[ξ] (O x I) * V[ξ] (I x tiles)`, with
/// `U = G g Gᵀ` computed once here and `V = Bᵀ d B` per image. That takes 36 multiply-adds per
/// tile and channel pair where direct convolution takes 144, 4 times fewer.
///
/// The tiles of an image are processed in blocks (runs of tiles in row-major order) so that
/// the transformed input and the products of one block stay within `bufferLimit` bytes.
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
                     "Winograd F(4x4, 3x3) needs a [O, I, 3, 3] weight, got \(weight.shape)")
        let (outputs, inputs) = (weight.shape[0], weight.shape[1])
        outputChannels = outputs
        inputChannels = inputs
        self.bias = bias
        self.padding = padding
        self.fusesReLU = fusesReLU
        self.bufferLimit = bufferLimit
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
        let geometry = TileGeometry(height: height, width: width, outputHeight: outputHeight, outputWidth: outputWidth,
                                    tileColumns: tileColumns, padding: padding)
        transformedWeight.withUnsafeBufferPointer { weights in
            guard let weightBase = weights.baseAddress else { return }
            for blockStart in stride(from: 0, to: tileCount, by: layout.length) {
                let block = blockStart..<min(tileCount, blockStart + layout.length)
                transformInput(image, geometry: geometry, tiles: block, layout: layout, into: transformedInput)
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
                transformOutput(products, geometry: geometry, tiles: block, layout: layout, into: output)
            }
        }
    }

    /// Where the 36 matrices of a block lie in the buffers: `V[ξ]` row i at
    /// `ξ * inputPlane + i * rowStride`, `M[ξ]` row o at `ξ * outputPlane + o * rowStride`.
    /// Rows have 4 spare values after the block's tiles, so that 4-tile groups are always
    /// loaded and stored whole; the strides are padded off powers of two, which would map the
    /// 36 matrices (and the rows a GEMM packs) onto the same cache sets.
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

    /// Four tiles (or filters) side by side: one value of a transform, lane k for the k-th.
    typealias Lanes = SIMD4<Float>
    /// Four values of a row (or column) of the output tile, each for four tiles.
    typealias Quad = (Lanes, Lanes, Lanes, Lanes)
    /// Six values of a row (or column) of a 6x6 transform, each for four tiles.
    typealias Six = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)

    /// `V = Bᵀ d B` for every channel and tile of the block, d the 6x6 input patch whose
    /// top-left corner is at (4 * tileRow - padH, 4 * tileColumn - padW); outside reads zero.
    /// Four neighbouring tiles are transformed at once, from copies of the six input rows
    /// with the padding written out as zeros, so each result is one 4-wide store.
    // image: I x H x W -> transformed: 36 x I x tiles.count (layout's strides)
    private func transformInput(_ image: UnsafePointer<Float>, geometry: TileGeometry, tiles: Range<Int>,
                                layout: BlockLayout, into transformed: UnsafeMutablePointer<Float>) {
        let (height, width) = (geometry.height, geometry.width)
        // A padded row: padding, the row, padding, and slack for the last group's spare lanes
        // (a group of 4 tiles reads 20 values from 4 * its first tile).
        let paddedWidth = width + 2 * geometry.padding.width + 32
        let planeStride = layout.inputPlane
        ComputeThreads.parallelFor(inputChannels, minimumChunk: max(1, 4096 / tiles.count)) { channels in
            let rows = UnsafeMutablePointer<Float>.allocate(capacity: 7 * paddedWidth)
            defer { rows.deallocate() }
            rows.initialize(repeating: 0, count: 7 * paddedWidth)
            let zeroRow = UnsafePointer(rows + 6 * paddedWidth)
            // d B of the current group: row r's six values at 6 * r.
            let patchTimesB = UnsafeMutablePointer<Lanes>.allocate(capacity: 36)
            defer { patchTimesB.deallocate() }
            // The six input rows of the current tile row, zero outside the image.
            let patchRows = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 6)
            defer { patchRows.deallocate() }
            for channel in channels {
                let plane = image + channel * height * width
                geometry.forEachRow(of: tiles) { tileRow, columns, offset in
                    let top = Self.tileSide * tileRow - geometry.padding.height
                    for index in 0..<6 {
                        let y = top + index
                        patchRows[index] = zeroRow
                        guard y >= 0 && y < height else { continue }
                        let row = rows + index * paddedWidth
                        (row + geometry.padding.width).update(from: plane + y * width, count: width)
                        patchRows[index] = UnsafePointer(row)
                    }
                    var destination = transformed + channel * layout.rowStride + offset
                    for column in stride(from: columns.lowerBound, to: columns.upperBound, by: 4) {
                        // Row r of d B, from patch row r: columns 0...5 of tiles column..<column+4
                        // start at padded x = 4 * tile.
                        for row in 0..<6 {
                            let values = Self.inputTransform(Self.patchColumns(patchRows[row] + 4 * column))
                            Self.forEach(values) { index, value in patchTimesB[6 * row + index] = value }
                        }
                        // Column j of Bᵀ (d B) holds V[i][j], i = 0...5.
                        for column in 0..<6 {
                            let values = Self.inputTransform((
                                patchTimesB[column], patchTimesB[6 + column], patchTimesB[12 + column],
                                patchTimesB[18 + column], patchTimesB[24 + column], patchTimesB[30 + column]))
                            Self.forEach(values) { row, value in
                                Self.store(value, destination + (6 * row + column) * planeStride)
                            }
                        }
                        destination += 4
                    }
                }
            }
        }
    }

    /// `Y = Aᵀ M A` (4x4) for every output channel and tile of the block, plus the bias and
    /// ReLU, written where the tile lies inside the output (the last row or column of tiles
    /// may stick out by up to three). Four neighbouring tiles at once.
    // products: 36 x O x tiles.count (layout's strides) -> output: O x H' x W'
    private func transformOutput(_ products: UnsafePointer<Float>, geometry: TileGeometry, tiles: Range<Int>,
                                 layout: BlockLayout, into output: UnsafeMutablePointer<Float>) {
        let (outputHeight, outputWidth) = (geometry.outputHeight, geometry.outputWidth)
        let planeStride = layout.outputPlane
        ComputeThreads.parallelFor(outputChannels, minimumChunk: max(1, 4096 / tiles.count)) { channels in
            // Aᵀ M of the current group: row r's six values at 6 * r.
            let transposedTimesM = UnsafeMutablePointer<Lanes>.allocate(capacity: 24)
            defer { transposedTimesM.deallocate() }
            for channel in channels {
                let shift = Lanes(repeating: bias?[flat: channel] ?? 0)
                let plane = output + channel * outputHeight * outputWidth
                geometry.forEachRow(of: tiles) { tileRow, columns, offset in
                    var source = products + channel * layout.rowStride + offset
                    let firstRow = Self.tileSide * tileRow
                    for column in stride(from: columns.lowerBound, to: columns.upperBound, by: 4) {
                        // Column j of Aᵀ M, from column j of M (ξ = 6i + j).
                        for column in 0..<6 {
                            func m(_ row: Int) -> Lanes { Self.load(source + (6 * row + column) * planeStride) }
                            let values = Self.outputTransform((m(0), m(1), m(2), m(3), m(4), m(5)))
                            (transposedTimesM[column], transposedTimesM[6 + column]) = (values.0, values.1)
                            (transposedTimesM[12 + column], transposedTimesM[18 + column]) = (values.2, values.3)
                        }
                        let count = min(4, columns.upperBound - column)
                        let limit = min(4 * count, outputWidth - 4 * column)
                        for row in 0..<min(4, outputHeight - firstRow) {
                            let rowValues = (transposedTimesM[6 * row], transposedTimesM[6 * row + 1],
                                             transposedTimesM[6 * row + 2], transposedTimesM[6 * row + 3],
                                             transposedTimesM[6 * row + 4], transposedTimesM[6 * row + 5])
                            var values = Self.outputTransform(rowValues)
                            values = (values.0 + shift, values.1 + shift, values.2 + shift, values.3 + shift)
                            if fusesReLU {
                                values.0.replace(with: 0, where: values.0 .< 0)
                                values.1.replace(with: 0, where: values.1 .< 0)
                                values.2.replace(with: 0, where: values.2 .< 0)
                                values.3.replace(with: 0, where: values.3 .< 0)
                            }
                            let line = plane + (firstRow + row) * outputWidth + 4 * column
                            Self.storeTransposed(values, line, limit: limit)
                        }
                        source += 4
                    }
                }
            }
        }
    }

    /// G x for a 3-vector x: (x0, (x0 + x1 + x2) / 6, (x0 - x1 + x2) / 6,
    /// (4 x0 + 2 x1 + x2) / 3, (4 x0 - 2 x1 + x2) / 3, x2 / 4).
    @inline(__always)
    private static func filterTransform(_ x0: Lanes, _ x1: Lanes, _ x2: Lanes) -> Six {
        let (even, odd) = (x0 + x2, x1)
        let (fourEven, twoOdd) = (4 * x0 + x2, 2 * x1)
        return (x0, (even + odd) * (1 / 6), (even - odd) * (1 / 6),
                (fourEven + twoOdd) * (1 / 3), (fourEven - twoOdd) * (1 / 3), x2 * 0.25)
    }

    /// Bᵀ x for a 6-vector x, Bᵀ's rows being (1, 0, -5, 0, 4, 0), (0, -1, -1, 4, 4, 0),
    /// (0, 1, -1, -4, 4, 0), (0, 1, 2, -1, -2, 0), (0, -1, 2, 1, -2, 0), (0, 1, 0, -5, 0, 4).
    @inline(__always)
    private static func inputTransform(_ x: Six) -> Six {
        let (a, b) = (4 * x.4 - x.2, 4 * x.3 - x.1)
        let (p, q) = (2 * (x.2 - x.4), x.1 - x.3)
        return (x.0 - 5 * x.2 + 4 * x.4, a + b, a - b, p + q, p - q, x.1 - 5 * x.3 + 4 * x.5)
    }

    /// Aᵀ x for a 6-vector x, Aᵀ's rows being (1, 1, 1, 1, 1, 0), (0, 1, -1, 1/2, -1/2, 0),
    /// (0, 1, 1, 1/4, 1/4, 0), (0, 1, -1, 1/8, -1/8, 1).
    @inline(__always)
    private static func outputTransform(_ x: Six) -> Quad {
        let (sum, difference) = (x.1 + x.2, x.1 - x.2)
        let (outerSum, outerDifference) = (x.3 + x.4, x.3 - x.4)
        return (x.0 + sum + outerSum, difference + 0.5 * outerDifference,
                sum + 0.25 * outerSum, difference + 0.125 * outerDifference + x.5)
    }

    /// Columns 0...5 of the patches of four tiles whose first tile's patch starts at `row`:
    /// column j of tile k is `row[4k + j]`.
    @inline(__always)
    private static func patchColumns(_ row: UnsafePointer<Float>) -> Six {
        let (r0, r1, r2, r3, r4) = (load(row), load(row + 4), load(row + 8), load(row + 12), load(row + 16))
        return (Lanes(r0[0], r1[0], r2[0], r3[0]), Lanes(r0[1], r1[1], r2[1], r3[1]),
                Lanes(r0[2], r1[2], r2[2], r3[2]), Lanes(r0[3], r1[3], r2[3], r3[3]),
                Lanes(r1[0], r2[0], r3[0], r4[0]), Lanes(r1[1], r2[1], r3[1], r4[1]))
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

    /// Stores one output row of four tiles, `columns.c[k]` being column c of tile k: the
    /// values `columns.0[0], columns.1[0], columns.2[0], columns.3[0], columns.0[1], ...` up to
    /// `limit` (at most 16) of them (the group may hold fewer than 4 tiles, and the row may
    /// end inside the last one).
    @inline(__always)
    private static func storeTransposed(_ columns: Quad, _ pointer: UnsafeMutablePointer<Float>, limit: Int) {
        let (c0, c1, c2, c3) = columns
        if limit == 16 {
            for tile in 0..<4 {
                store(Lanes(c0[tile], c1[tile], c2[tile], c3[tile]), pointer + 4 * tile)
            }
            return
        }
        for index in 0..<limit {
            let tile = index / 4
            switch index % 4 {
            case 0: pointer[index] = c0[tile]
            case 1: pointer[index] = c1[tile]
            case 2: pointer[index] = c2[tile]
            default: pointer[index] = c3[tile]
            }
        }
    }
}
