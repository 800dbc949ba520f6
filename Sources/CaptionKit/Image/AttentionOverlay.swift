/// Draws where the model looked, as in the *Show, Attend and Tell* paper's figures: one
/// picture with a panel per emitted word, each the input image with that word's attention
/// map upsampled smoothly (bilinear) over it as a heat overlay, the word written underneath.
/// The first panel is the plain image labelled with the whole caption.
///
/// Layout (all sizes in pixels, `P` = `panelSize`, `n` = words + 1 panels):
/// `columns = min(maximumColumns, n)`, `rows = ceil(n / columns)`,
/// `labelHeight = labelGap + lines * font.lineHeight` where `lines` is the most lines any
/// panel's label wraps to at width `P`, `width = margin + columns * (P + margin)`,
/// `height = margin + rows * (P + labelHeight + margin)`. Panels fill rows left to right.
public struct AttentionOverlay: Sendable {
    /// Blank space around and between panels.
    public static let margin = 8
    /// Blank space between a panel and its label.
    public static let labelGap = 6

    /// Width and height of each panel (the image is resized to a square, as the encoder sees it).
    public var panelSize: Int
    /// Most panels on one row.
    public var maximumColumns: Int
    /// The font of the labels.
    public var font: BitmapFont

    /// Where the panels of one picture go.
    public struct Layout: Sendable, Equatable {
        /// Panels per row.
        public let columns: Int
        /// Rows of panels.
        public let rows: Int
        /// Lines of text under each panel.
        public let labelLines: Int
        /// Height of the label area under each panel.
        public let labelHeight: Int
        /// Width of the whole picture.
        public let width: Int
        /// Height of the whole picture.
        public let height: Int
    }

    /// An overlay renderer with square panels of `panelSize` pixels, at most `maximumColumns`
    /// per row.
    /// - Precondition: `panelSize` and `maximumColumns` are at least 1.
    public init(panelSize: Int = 224, maximumColumns: Int = 5, font: BitmapFont = BitmapFont(scale: 2)) {
        precondition(panelSize >= 1 && maximumColumns >= 1, "panel size \(panelSize) and columns \(maximumColumns) must be positive")
        self.panelSize = panelSize
        self.maximumColumns = maximumColumns
        self.font = font
    }

    /// The panel labels of `caption`: the whole caption first, then each word.
    public func labels(for caption: Caption) -> [String] {
        [caption.tokens.isEmpty ? "(no words)" : caption.text] + caption.tokens
    }

    /// The layout of the picture for `caption`.
    public func layout(for caption: Caption) -> Layout {
        let labels = labels(for: caption)
        let columns = min(maximumColumns, labels.count)
        let rows = (labels.count + columns - 1) / columns
        let lines = labels.map { max(1, font.wrap($0, maximumWidth: panelSize).count) }.max() ?? 1
        let labelHeight = AttentionOverlay.labelGap + lines * font.lineHeight
        let margin = AttentionOverlay.margin
        return Layout(columns: columns, rows: rows, labelLines: lines, labelHeight: labelHeight,
                      width: margin + columns * (panelSize + margin),
                      height: margin + rows * (panelSize + labelHeight + margin))
    }

    /// The attention picture of `caption` over `image` (the image the caption was made from).
    public func render(_ image: RGBImage, caption: Caption) -> RGBImage {
        let layout = layout(for: caption)
        let labels = labels(for: caption)
        let panel = image.resized(width: panelSize, height: panelSize)
        var canvas = [UInt8](repeating: 255, count: layout.width * layout.height * 3)
        for (index, label) in labels.enumerated() {
            let margin = AttentionOverlay.margin
            let left = margin + (index % layout.columns) * (panelSize + margin)
            let top = margin + (index / layout.columns) * (panelSize + layout.labelHeight + margin)
            // Panel 0 is the plain image; panel k shows the attention of word k - 1.
            let heat = caption.attention.indices.contains(index - 1)
                ? heatValues(caption.attention[index - 1], gridHeight: caption.gridHeight, gridWidth: caption.gridWidth)
                : nil
            copy(panel, heat: heat, into: &canvas, canvasWidth: layout.width, left: left, top: top)
            let lines = font.wrap(label, maximumWidth: panelSize)
            for (line, text) in lines.enumerated() {
                font.draw(text, x: left + (panelSize - font.width(of: text)) / 2,
                          y: top + panelSize + AttentionOverlay.labelGap + line * font.lineHeight,
                          color: (red: 20, green: 20, blue: 20), into: &canvas, imageWidth: layout.width)
            }
        }
        return RGBImage(validatedWidth: layout.width, height: layout.height, pixels: canvas)
    }

    /// Renders the picture and writes it as a PNG at `path`, atomically (`PNGWriter`).
    /// - Throws: `CaptionError.unwritableFile` naming `path` and the reason.
    public func write(_ image: RGBImage, caption: Caption, to path: String) throws {
        let picture = render(image, caption: caption)
        try PNGWriter.write(pixels: picture.pixels, width: picture.width, height: picture.height, hasAlpha: false, to: path)
    }

    /// One word's attention upsampled to the panel and scaled so that its largest weight is
    /// 1 (`panelSize * panelSize` values, row-major); all zero for a map without a positive
    /// weight or whose size does not match the grid.
    func heatValues(_ attention: [Float], gridHeight: Int, gridWidth: Int) -> [Float] {
        let peak = attention.max() ?? 0
        guard gridHeight > 0, gridWidth > 0, attention.count == gridHeight * gridWidth, peak > 0 else {
            return [Float](repeating: 0, count: panelSize * panelSize)
        }
        return AttentionOverlay.upsample(attention.map { $0 / peak }, height: gridHeight, width: gridWidth,
                                         toHeight: panelSize, toWidth: panelSize)
    }

    /// Copies the panel into the canvas at (`left`, `top`); with `heat`, each pixel is dimmed
    /// where the heat is low and tinted amber where it is high:
    /// `out = mix(pixel * (0.2 + 0.8 h), amber, 0.35 h)` with amber = (255, 190, 40).
    private func copy(_ panel: RGBImage, heat: [Float]?, into canvas: inout [UInt8], canvasWidth: Int, left: Int, top: Int) {
        let amber: [Float] = [255, 190, 40]
        let rowBytes = panelSize * 3
        for row in 0..<panelSize {
            let source = row * rowBytes
            let target = ((top + row) * canvasWidth + left) * 3
            guard let heat else {
                canvas.replaceSubrange(target..<(target + rowBytes), with: panel.pixels[source..<(source + rowBytes)])
                continue
            }
            for column in 0..<panelSize {
                let value = heat[row * panelSize + column]
                let brightness = 0.2 + 0.8 * value
                let tint = 0.35 * value
                for channel in 0..<3 {
                    let dimmed = Float(panel.pixels[source + column * 3 + channel]) * brightness
                    let mixed = dimmed * (1 - tint) + amber[channel] * tint
                    canvas[target + column * 3 + channel] = UInt8(min(255, max(0, mixed.rounded())))
                }
            }
        }
    }

    /// Bilinear upsampling of a `height x width` map (row-major) to `toHeight x toWidth`, as
    /// PyTorch's `F.interpolate(mode="bilinear", align_corners=False)`: output pixel centres
    /// map to `(i + 0.5) * in / out - 0.5` in the source, clamped to the first and last rows
    /// and columns.
    /// - Precondition: all sizes are positive and `map.count == height * width`.
    public static func upsample(_ map: [Float], height: Int, width: Int, toHeight: Int, toWidth: Int) -> [Float] {
        precondition(height > 0 && width > 0 && toHeight > 0 && toWidth > 0 && map.count == height * width,
                     "cannot upsample \(map.count) values as \(height) x \(width) to \(toHeight) x \(toWidth)")
        let rows = (0..<toHeight).map { sourcePosition($0, from: height, to: toHeight) }
        let columns = (0..<toWidth).map { sourcePosition($0, from: width, to: toWidth) }
        var output = [Float](repeating: 0, count: toHeight * toWidth)
        // map: height x width -> output: toHeight x toWidth
        for (outputRow, row) in rows.enumerated() {
            for (outputColumn, column) in columns.enumerated() {
                let top = map[row.lower * width + column.lower] * (1 - column.fraction)
                    + map[row.lower * width + column.upper] * column.fraction
                let bottom = map[row.upper * width + column.lower] * (1 - column.fraction)
                    + map[row.upper * width + column.upper] * column.fraction
                output[outputRow * toWidth + outputColumn] = top * (1 - row.fraction) + bottom * row.fraction
            }
        }
        return output
    }

    /// The two source indices around output index `index` and the weight of the upper one.
    private static func sourcePosition(_ index: Int, from size: Int, to outputSize: Int) -> (lower: Int, upper: Int, fraction: Float) {
        let scale = Float(size) / Float(outputSize)
        let position = max(0, (Float(index) + 0.5) * scale - 0.5)
        let lower = min(Int(position), size - 1)
        let upper = min(lower + 1, size - 1)
        return (lower, upper, position - Float(lower))
    }
}
