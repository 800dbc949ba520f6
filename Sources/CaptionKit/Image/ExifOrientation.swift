/// A JPEG's EXIF orientation (TIFF tag 0x0112 in IFD0 of the APP1 "Exif" segment): how the
/// stored pixels must be flipped or rotated to show the picture upright. Values 1-8 as in the
/// TIFF specification; applying one gives what Pillow's `ImageOps.exif_transpose` gives.
enum ExifOrientation: Int, Sendable, CaseIterable {
    /// Stored upright.
    case normal = 1
    /// Mirrored left to right (Pillow FLIP_LEFT_RIGHT).
    case mirrored = 2
    /// Upside down (Pillow ROTATE_180).
    case rotated180 = 3
    /// Mirrored top to bottom (Pillow FLIP_TOP_BOTTOM).
    case flipped = 4
    /// Mirrored along the main diagonal (Pillow TRANSPOSE).
    case transposed = 5
    /// Needs a quarter turn clockwise (Pillow ROTATE_270).
    case rotatedClockwise = 6
    /// Mirrored along the anti-diagonal (Pillow TRANSVERSE).
    case transversed = 7
    /// Needs a quarter turn counter-clockwise (Pillow ROTATE_90).
    case rotatedCounterClockwise = 8

    private static let orientationTag = 0x0112
    private static let shortType = 3

    /// The orientation declared by the first APP1 "Exif" segment before the first scan of a
    /// JPEG, or nil when there is none, it is malformed, or its value is not 1-8 (a broken
    /// EXIF block never fails decoding; the image is then used as stored).
    init?(jpeg bytes: UnsafeRawBufferPointer) {
        guard let tiff = ExifOrientation.exifPayload(jpeg: bytes),
              let value = ExifOrientation.orientationValue(tiff: tiff),
              let orientation = ExifOrientation(rawValue: value) else {
            return nil
        }
        self = orientation
    }

    /// The TIFF block of the first APP1 segment that starts with "Exif\0\0", walking the
    /// marker segments from SOI up to SOS.
    private static func exifPayload(jpeg bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        let exifHeader: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0] // "Exif\0\0"
        var offset = 2
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            let marker = bytes[offset + 1]
            if marker == 0xFF { // fill byte before a marker
                offset += 1
                continue
            }
            offset += 2
            if marker == 0x01 || (0xD0...0xD8).contains(marker) { continue } // no length
            if marker == 0xDA || marker == 0xD9 { return nil } // scan data or end: no EXIF
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard length >= 2, offset + length <= bytes.count else { return nil }
            let segment = UnsafeRawBufferPointer(rebasing: bytes[(offset + 2)..<(offset + length)])
            if marker == 0xE1, segment.starts(with: exifHeader) {
                return UnsafeRawBufferPointer(rebasing: segment[exifHeader.count...])
            }
            offset += length
        }
        return nil
    }

    /// The orientation entry of IFD0 in a TIFF block of either byte order ("II" little
    /// endian, "MM" big endian), or nil when absent or out of bounds.
    static func orientationValue(tiff: UnsafeRawBufferPointer) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let littleEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func read(_ offset: Int, _ size: Int) -> Int? {
            guard offset >= 0, size <= tiff.count, offset <= tiff.count - size else { return nil }
            var value = 0
            for index in 0..<size {
                let byte = Int(tiff[littleEndian ? offset + size - 1 - index : offset + index])
                value = value << 8 | byte
            }
            return value
        }
        guard read(2, 2) == 42, let ifd = read(4, 4), let entryCount = read(ifd, 2) else { return nil }
        for entry in 0..<entryCount {
            let position = ifd + 2 + 12 * entry
            guard let tag = read(position, 2), let type = read(position + 2, 2) else { return nil }
            if tag == orientationTag {
                return type == shortType ? read(position + 8, 2) : nil
            }
        }
        return nil
    }

    /// The image turned upright. Output pixel (x, y) is input pixel `base + x * stepX +
    /// y * stepY` (indices in pixels), with width and height swapped for orientations 5-8.
    func applied(to image: RGBImage) -> RGBImage {
        let width = image.width, height = image.height
        let last = (height - 1) * width // first pixel of the bottom row
        let (base, stepX, stepY): (Int, Int, Int)
        switch self {
        case .normal: return image
        case .mirrored: (base, stepX, stepY) = (width - 1, -1, width)
        case .rotated180: (base, stepX, stepY) = (last + width - 1, -1, -width)
        case .flipped: (base, stepX, stepY) = (last, 1, -width)
        case .transposed: (base, stepX, stepY) = (0, width, 1)
        case .rotatedClockwise: (base, stepX, stepY) = (last, -width, 1)
        case .transversed: (base, stepX, stepY) = (last + width - 1, -width, -1)
        case .rotatedCounterClockwise: (base, stepX, stepY) = (width - 1, width, -1)
        }
        let swapsAxes = rawValue >= 5
        let outputWidth = swapsAxes ? height : width
        let outputHeight = swapsAxes ? width : height
        return image.pixels.withUnsafeBufferPointer { source in
            RGBImage(width: outputWidth, height: outputHeight) { output in
                var target = 0
                for y in 0..<outputHeight {
                    var pixel = base + y * stepY
                    for _ in 0..<outputWidth {
                        output[target] = source[pixel * 3]
                        output[target + 1] = source[pixel * 3 + 1]
                        output[target + 2] = source[pixel * 3 + 2]
                        target += 3
                        pixel += stepX
                    }
                }
            }
        }
    }
}
