/// A small built-in bitmap font for the labels of attention pictures: one glyph for each
/// printable ASCII character (32-126), drawn on a 5 x 9 grid (capitals and digits use rows
/// 0-6, the x-height is rows 2-6, descenders use rows 7-8), scaled by a whole factor.
///
/// The glyphs were drawn for CaptionKit; they are listed below as text, one glyph per line,
/// rows separated by spaces ("#" ink, "." paper, missing rows blank). Any other character is
/// drawn as "?".
public struct BitmapFont: Sendable {
    /// Columns of a glyph, before scaling.
    public static let glyphWidth = 5
    /// Rows of a glyph (7 above the baseline, 2 below), before scaling.
    public static let glyphHeight = 9

    /// How many pixels wide and tall each glyph dot is.
    public let scale: Int

    /// A font whose dots are `scale` x `scale` pixels.
    /// - Precondition: `scale` is at least 1.
    public init(scale: Int = 2) {
        precondition(scale >= 1, "font scale must be at least 1, got \(scale)")
        self.scale = scale
    }

    /// Horizontal distance from one character to the next: the glyph and one blank column.
    public var advance: Int { (BitmapFont.glyphWidth + 1) * scale }

    /// Vertical distance from one line of text to the next: the glyph and one blank row.
    public var lineHeight: Int { (BitmapFont.glyphHeight + 1) * scale }

    /// Width in pixels of `text` on one line (the blank column after the last glyph excluded).
    public func width(of text: String) -> Int {
        text.isEmpty ? 0 : text.count * advance - scale
    }

    /// The rows of the glyph drawn for `character`, top first; bit 4 is the leftmost column.
    public func glyph(for character: Character) -> [UInt8] {
        BitmapFont.glyphs[BitmapFont.glyphIndex(for: character)]
    }

    /// Draws `text` on one line with its top-left corner at (`x`, `y`) into `pixels`, an RGB
    /// image `imageWidth` pixels wide (interleaved, rows top to bottom); dots outside the
    /// image are clipped.
    public func draw(_ text: String, x: Int, y: Int, color: (red: UInt8, green: UInt8, blue: UInt8),
                     into pixels: inout [UInt8], imageWidth: Int) {
        let imageHeight = imageWidth > 0 ? pixels.count / (3 * imageWidth) : 0
        for (position, character) in text.enumerated() {
            let left = x + position * advance
            for (row, bits) in glyph(for: character).enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> column) != 0 {
                    for dotY in 0..<scale {
                        let pixelY = y + row * scale + dotY
                        guard pixelY >= 0 && pixelY < imageHeight else { continue }
                        for dotX in 0..<scale {
                            let pixelX = left + column * scale + dotX
                            guard pixelX >= 0 && pixelX < imageWidth else { continue }
                            let offset = (pixelY * imageWidth + pixelX) * 3
                            pixels[offset] = color.red
                            pixels[offset + 1] = color.green
                            pixels[offset + 2] = color.blue
                        }
                    }
                }
            }
        }
    }

    /// `text` broken into lines of at most `maximumWidth` pixels: words (split at spaces) are
    /// kept whole where they fit, a word longer than a line is cut into line-sized pieces.
    /// Empty text gives no lines.
    public func wrap(_ text: String, maximumWidth: Int) -> [String] {
        let perLine = max(1, (maximumWidth + scale) / advance)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            var word = Substring(word)
            if !current.isEmpty && current.count + 1 + word.count <= perLine {
                current += " " + word
                continue
            }
            if !current.isEmpty { lines.append(current) }
            while word.count > perLine {
                lines.append(String(word.prefix(perLine)))
                word = word.dropFirst(perLine)
            }
            current = String(word)
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The index into `glyphs` of `character`'s glyph ("?" for anything not printable ASCII).
    static func glyphIndex(for character: Character) -> Int {
        guard let ascii = character.asciiValue, ascii >= 32, ascii <= 126 else {
            return Int(UInt8(ascii: "?")) - 32
        }
        return Int(ascii) - 32
    }

    /// The glyphs of characters 32-126 as row bit masks, parsed once from `drawings`.
    static let glyphs: [[UInt8]] = drawings.map { drawing in
        var rows = drawing.split(separator: " ").map { row in
            row.reduce(UInt8(0)) { bits, dot in (bits << 1) | (dot == "#" ? 1 : 0) }
        }
        rows += [UInt8](repeating: 0, count: max(0, glyphHeight - rows.count))
        return rows
    }

    /// Characters 32-126 in order; each is up to 9 rows of 5 dots, top first.
    static let drawings: [String] = [
        "",                                                              // space
        "..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..",                     // !
        ".#.#. .#.#. .#.#.",                                             // "
        ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",                     // #
        "..#.. .#### #.#.. .###. ..#.# ####. ..#..",                     // $
        "##... ##..# ...#. ..#.. .#... #..## ...##",                     // %
        ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",                     // &
        "..#.. ..#.. .#...",                                             // '
        "...#. ..#.. .#... .#... .#... ..#.. ...#.",                     // (
        ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",                     // )
        "..... ..#.. #.#.# .###. #.#.# ..#..",                           // *
        "..... ..#.. ..#.. ##### ..#.. ..#..",                           // +
        "..... ..... ..... ..... ..... .##.. ..#.. .#...",               // ,
        "..... ..... ..... #####",                                       // -
        "..... ..... ..... ..... ..... .##.. .##..",                     // .
        "..... ....# ...#. ..#.. .#... #....",                           // /
        ".###. #...# #..## #.#.# ##..# #...# .###.",                     // 0
        "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",                     // 1
        ".###. #...# ....# ...#. ..#.. .#... #####",                     // 2
        "##### ...#. ..#.. ...#. ....# #...# .###.",                     // 3
        "...#. ..##. .#.#. #..#. ##### ...#. ...#.",                     // 4
        "##### #.... ####. ....# ....# #...# .###.",                     // 5
        "..##. .#... #.... ####. #...# #...# .###.",                     // 6
        "##### ....# ...#. ..#.. .#... .#... .#...",                     // 7
        ".###. #...# #...# .###. #...# #...# .###.",                     // 8
        ".###. #...# #...# .#### ....# ...#. .##..",                     // 9
        "..... .##.. .##.. ..... .##.. .##..",                           // :
        "..... .##.. .##.. ..... .##.. ..#.. .#...",                     // ;
        "...#. ..#.. .#... #.... .#... ..#.. ...#.",                     // <
        "..... ..... ##### ..... #####",                                 // =
        ".#... ..#.. ...#. ....# ...#. ..#.. .#...",                     // >
        ".###. #...# ....# ...#. ..#.. ..... ..#..",                     // ?
        ".###. #...# ....# .##.# #.#.# #.#.# .###.",                     // @
        ".###. #...# #...# ##### #...# #...# #...#",                     // A
        "####. #...# #...# ####. #...# #...# ####.",                     // B
        ".###. #...# #.... #.... #.... #...# .###.",                     // C
        "###.. #..#. #...# #...# #...# #..#. ###..",                     // D
        "##### #.... #.... ####. #.... #.... #####",                     // E
        "##### #.... #.... ####. #.... #.... #....",                     // F
        ".###. #...# #.... #.### #...# #...# .####",                     // G
        "#...# #...# #...# ##### #...# #...# #...#",                     // H
        ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",                     // I
        "..### ...#. ...#. ...#. ...#. #..#. .##..",                     // J
        "#...# #..#. #.#.. ##... #.#.. #..#. #...#",                     // K
        "#.... #.... #.... #.... #.... #.... #####",                     // L
        "#...# ##.## #.#.# #.#.# #...# #...# #...#",                     // M
        "#...# #...# ##..# #.#.# #..## #...# #...#",                     // N
        ".###. #...# #...# #...# #...# #...# .###.",                     // O
        "####. #...# #...# ####. #.... #.... #....",                     // P
        ".###. #...# #...# #...# #.#.# #..#. .##.#",                     // Q
        "####. #...# #...# ####. #.#.. #..#. #...#",                     // R
        ".###. #...# #.... .###. ....# #...# .###.",                     // S
        "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",                     // T
        "#...# #...# #...# #...# #...# #...# .###.",                     // U
        "#...# #...# #...# #...# #...# .#.#. ..#..",                     // V
        "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",                     // W
        "#...# #...# .#.#. ..#.. .#.#. #...# #...#",                     // X
        "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",                     // Y
        "##### ....# ...#. ..#.. .#... #.... #####",                     // Z
        ".###. .#... .#... .#... .#... .#... .###.",                     // [
        "..... #.... .#... ..#.. ...#. ....#",                           // backslash
        ".###. ...#. ...#. ...#. ...#. ...#. .###.",                     // ]
        "..#.. .#.#. #...#",                                             // ^
        "..... ..... ..... ..... ..... ..... ..... #####",               // _
        ".#... ..#.. ...#.",                                             // `
        "..... ..... .###. ....# .#### #...# .####",                     // a
        "#.... #.... #.##. ##..# #...# #...# ####.",                     // b
        "..... ..... .###. #.... #.... #...# .###.",                     // c
        "....# ....# .##.# #..## #...# #...# .####",                     // d
        "..... ..... .###. #...# ##### #.... .###.",                     // e
        "..##. .#..# .#... ###.. .#... .#... .#...",                     // f
        "..... ..... .#### #...# #...# #...# .#### ....# .###.",         // g
        "#.... #.... #.##. ##..# #...# #...# #...#",                     // h
        "..#.. ..... .##.. ..#.. ..#.. ..#.. .###.",                     // i
        "...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..",         // j
        "#.... #.... #..#. #.#.. ##... #.#.. #..#.",                     // k
        ".##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",                     // l
        "..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#",                     // m
        "..... ..... #.##. ##..# #...# #...# #...#",                     // n
        "..... ..... .###. #...# #...# #...# .###.",                     // o
        "..... ..... ####. #...# #...# #...# ####. #.... #....",         // p
        "..... ..... .#### #...# #...# #...# .#### ....# ....#",         // q
        "..... ..... #.##. ##..# #.... #.... #....",                     // r
        "..... ..... .#### #.... .###. ....# ####.",                     // s
        ".#... .#... ###.. .#... .#... .#..# ..##.",                     // t
        "..... ..... #...# #...# #...# #..## .##.#",                     // u
        "..... ..... #...# #...# #...# .#.#. ..#..",                     // v
        "..... ..... #...# #...# #.#.# #.#.# .#.#.",                     // w
        "..... ..... #...# .#.#. ..#.. .#.#. #...#",                     // x
        "..... ..... #...# #...# #...# #...# .#### ....# .###.",         // y
        "..... ..... ##### ...#. ..#.. .#... #####",                     // z
        "...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.",                     // {
        "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",                     // |
        ".#... ..#.. ..#.. ...#. ..#.. ..#.. .#...",                     // }
        "..... ..... .#... #.#.# ...#.",                                 // ~
    ]
}
