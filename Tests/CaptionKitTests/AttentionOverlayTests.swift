import Foundation
import Testing
@testable import CaptionKit

/// Fixtures/overlay/upsample.json, written by tools/make_overlay_fixtures.py.
private struct UpsampleFixture: Decodable {
    struct Case: Decodable, CustomStringConvertible {
        let height: Int
        let width: Int
        let output_height: Int
        let output_width: Int
        let map: [Float]
        let upsampled: [Float]
        var description: String { "\(height)x\(width) -> \(output_height)x\(output_width)" }
    }

    let cases: [Case]

    static let cases: [Case] = {
        guard let data = try? Data(contentsOf: Fixtures.url("overlay/upsample.json")),
              let fixture = try? JSONDecoder().decode(UpsampleFixture.self, from: data) else { return [] }
        return fixture.cases
    }()
}

/// A caption over a `grid x grid` feature map whose words each look at one cell.
private func caption(words: [String], grid: Int, cells: [Int]? = nil) -> Caption {
    let attention = words.indices.map { index -> [Float] in
        var map = [Float](repeating: 0, count: grid * grid)
        map[(cells?[index] ?? index) % (grid * grid)] = 1
        return map
    }
    return Caption(tokens: words, tokenIndices: Array(words.indices), score: -1, finished: true,
                   attention: attention, gridHeight: grid, gridWidth: grid)
}

@Suite struct AttentionOverlayTests {
    @Test func upsamplingFixtureIsPresent() {
        #expect(UpsampleFixture.cases.count == 7)
    }

    @Test(arguments: UpsampleFixture.cases)
    fileprivate func upsamplingMatchesPyTorchBilinear(_ fixture: UpsampleFixture.Case) {
        let actual = AttentionOverlay.upsample(fixture.map, height: fixture.height, width: fixture.width,
                                               toHeight: fixture.output_height, toWidth: fixture.output_width)
        expectClose(actual, fixture.upsampled, relativeTolerance: 1e-5, absoluteTolerance: 1e-7, "\(fixture)")
    }

    @Test func layoutFollowsTheFormula() {
        let overlay = AttentionOverlay()
        // 3 words + the caption panel: one row of 4; "a red circle" fits one 18-character line.
        let short = overlay.layout(for: caption(words: ["a", "red", "circle"], grid: 4))
        #expect(short == AttentionOverlay.Layout(columns: 4, rows: 1, labelLines: 1, labelHeight: 26,
                                                 width: 8 + 4 * 232, height: 8 + 1 * (224 + 26 + 8)))
        // 10 words: 11 panels in 3 rows of at most 5; the caption wraps to 3 lines of at most 18
        // characters: "a big red circle", "next to a small", "blue square".
        let words = "a big red circle next to a small blue square".split(separator: " ").map(String.init)
        let long = overlay.layout(for: caption(words: words, grid: 4))
        #expect(long.columns == 5 && long.rows == 3 && long.labelLines == 3)
        #expect(long.width == 8 + 5 * 232 && long.height == 8 + 3 * (224 + 6 + 60 + 8))
        // No words: the image alone.
        let empty = overlay.layout(for: caption(words: [], grid: 4))
        #expect(empty.columns == 1 && empty.rows == 1 && empty.width == 240)
    }

    @Test func renderedPictureHasThePlainImageThenOneHeatPanelPerWord() throws {
        let overlay = AttentionOverlay(panelSize: 24, maximumColumns: 2, font: BitmapFont(scale: 1))
        let image = try RGBImage(width: 24, height: 24, pixels: Array(repeating: [UInt8]([100, 150, 200]), count: 24 * 24).flatMap { $0 })
        // Grid 2 x 2; the first word looks at the top-left cell, the second at the bottom-right.
        let described = caption(words: ["up", "down"], grid: 2, cells: [0, 3])
        let picture = overlay.render(image, caption: described)
        let layout = overlay.layout(for: described)
        #expect(picture.width == layout.width && picture.height == layout.height)
        #expect(layout.columns == 2 && layout.rows == 2)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] {
            Array(picture.pixels[((y * picture.width) + x) * 3 ..< ((y * picture.width) + x) * 3 + 3])
        }
        // Panel 0 (top left) is the image unchanged; the canvas around it is white.
        #expect(pixel(8, 8) == [100, 150, 200] && pixel(8 + 23, 8 + 23) == [100, 150, 200])
        #expect(pixel(0, 0) == [255, 255, 255])
        // Panel 1 (top right, "up"): out = mix(pixel * (0.2 + 0.8 h), amber, 0.35 h).
        let heat = AttentionOverlay.upsample([1, 0, 0, 0], height: 2, width: 2, toHeight: 24, toWidth: 24)
        let left = 8 + 24 + 8
        for (x, y) in [(0, 0), (23, 23), (5, 17), (12, 12)] {
            let value = heat[y * 24 + x]
            let expected = zip([100, 150, 200] as [Float], [255, 190, 40] as [Float]).map { source, amber -> UInt8 in
                let mixed = source * (0.2 + 0.8 * value) * (1 - 0.35 * value) + amber * 0.35 * value
                return UInt8(mixed.rounded())
            }
            #expect(pixel(left + x, 8 + y) == expected, "panel 1 at \(x), \(y), heat \(value)")
        }
        // The top-left corner is the attended cell (full heat), the bottom-right is not (dimmed).
        #expect(pixel(left, 8) == [154, 164, 144])
        #expect(pixel(left + 23, 8 + 23) == [20, 30, 40])
        // Panel 2 (second row, "down") is lit at its bottom-right corner instead.
        let secondRowTop = 8 + 24 + layout.labelHeight + 8
        #expect(pixel(8 + 23, secondRowTop + 23) == [154, 164, 144])
        #expect(pixel(8, secondRowTop) == [20, 30, 40])
    }

    @Test func labelsAreWrittenUnderTheirPanels() throws {
        let overlay = AttentionOverlay(panelSize: 40, maximumColumns: 3, font: BitmapFont(scale: 1))
        let described = caption(words: ["I"], grid: 1)
        let picture = overlay.render(try RGBImage(width: 1, height: 1, pixels: [0, 0, 0]), caption: described)
        let layout = overlay.layout(for: described)
        // The label rows are white except the dark ink of the glyphs.
        let labelTop = 8 + 40 + AttentionOverlay.labelGap
        func inkColumns(panel: Int) -> [Int] {
            let left = 8 + panel * 48
            return (0..<40).filter { x in
                (0..<layout.labelHeight - AttentionOverlay.labelGap).contains { y in
                    picture.pixels[((labelTop + y) * picture.width + left + x) * 3] == 20
                }
            }
        }
        // "I" is 5 dots wide (left edge at (40 - 5) / 2 = 17) with ink in its columns 1-3.
        #expect(inkColumns(panel: 1) == [18, 19, 20])
        // The caption panel repeats the single word.
        #expect(inkColumns(panel: 0) == inkColumns(panel: 1))
    }
}

@Suite struct BitmapFontTests {
    @Test func everyPrintableCharacterHasItsOwnGlyph() {
        #expect(BitmapFont.drawings.count == 95)
        for drawing in BitmapFont.drawings {
            let rows = drawing.split(separator: " ")
            #expect(rows.count <= BitmapFont.glyphHeight, "\(drawing)")
            #expect(rows.allSatisfy { $0.count == BitmapFont.glyphWidth && $0.allSatisfy { "#.".contains($0) } }, "\(drawing)")
        }
        let glyphs = (32...126).map { BitmapFont().glyph(for: Character(UnicodeScalar(UInt8($0)))) }
        #expect(Set(glyphs).count == 95, "two characters share a glyph")
        #expect(glyphs.dropFirst().allSatisfy { $0.contains { $0 != 0 } }, "a visible character without ink")
    }

    @Test func descendersAreBelowTheBaselineAndCapitalsAboveIt() {
        let font = BitmapFont()
        for character in "gjpqy" {
            #expect(font.glyph(for: character)[7...].contains { $0 != 0 }, "\(character)")
        }
        for character in "ABCXYZ0123456789abcdefhiklmnorstuvwxz" {
            #expect(font.glyph(for: character)[7...].allSatisfy { $0 == 0 }, "\(character)")
        }
    }

    @Test func drawsScaledDotsAndClipsAtTheEdges() {
        let font = BitmapFont(scale: 2)
        var pixels = [UInt8](repeating: 0, count: 30 * 20 * 3)
        font.draw("-", x: 1, y: 1, color: (red: 9, green: 8, blue: 7), into: &pixels, imageWidth: 30)
        // "-" is row 3 fully inked: at scale 2, pixels x 1..<11, y 7..<9.
        let inked = (0..<(30 * 20)).filter { pixels[$0 * 3] == 9 }.map { ($0 % 30, $0 / 30) }
        #expect(inked.count == 20)
        #expect(inked.allSatisfy { (1..<11).contains($0.0) && (7..<9).contains($0.1) })
        #expect(pixels[(7 * 30 + 1) * 3 ..< (7 * 30 + 1) * 3 + 3] == [9, 8, 7])
        // Text running off every side is clipped, not an out-of-bounds write.
        font.draw("WWWWWWWW", x: -5, y: -9, color: (red: 1, green: 1, blue: 1), into: &pixels, imageWidth: 30)
        font.draw("WWWWWWWW", x: 20, y: 15, color: (red: 1, green: 1, blue: 1), into: &pixels, imageWidth: 30)
        #expect(pixels.count == 30 * 20 * 3)
    }

    @Test func widthsAndWrapping() {
        let font = BitmapFont(scale: 2)
        #expect(font.advance == 12 && font.lineHeight == 20)
        #expect(font.width(of: "") == 0 && font.width(of: "ab") == 22)
        // 224 pixels hold 18 characters at scale 2.
        #expect(font.wrap("a big red circle next to a small blue square", maximumWidth: 224)
                == ["a big red circle", "next to a small", "blue square"])
        #expect(font.wrap("abcdefghijklmnopqrstuvwxyz", maximumWidth: 224) == ["abcdefghijklmnopqr", "stuvwxyz"])
        #expect(font.wrap("", maximumWidth: 224).isEmpty)
        #expect(font.glyph(for: "é") == font.glyph(for: "?"))
    }
}
