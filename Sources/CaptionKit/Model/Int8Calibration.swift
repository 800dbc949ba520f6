import Foundation

/// The activation ranges of the int8 encoder: for each convolution it runs in int8, the
/// clipping value of its input, so that one activation level is `clip / 255`. A bundle keeps
/// them in its file `int8-calibration.json` (`Int8Calibration.fileName`):
///
/// ```json
/// {
///   "format": "captionkit-int8-calibration/1",
///   "images": 300,
///   "percentile": 100,
///   "input_clip": {"encoder.features.2": 5.1, "encoder.features.5": 9.8}
/// }
/// ```
///
/// `input_clip` maps each convolution's `encoder.features.N` key to its clip value (a positive
/// number); `images` and `percentile` say how it was measured (`Int8CalibrationBuilder`: the
/// largest over the images of each image's value at that percentile).
public struct Int8Calibration: Sendable, Equatable {
    /// The file name inside a bundle.
    public static let fileName = "int8-calibration.json"
    /// The value of the `format` field.
    public static let format = "captionkit-int8-calibration/1"

    /// Clip value of each convolution's input, by its `encoder.features.N` key.
    public var inputClips: [String: Float]
    /// The number of images measured.
    public var images: Int
    /// The percentile of each image's activations taken as that image's clip value (the clip
    /// is the largest of those over the images).
    public var percentile: Double

    /// Calibration values as given.
    public init(inputClips: [String: Float], images: Int, percentile: Double) {
        self.inputClips = inputClips
        self.images = images
        self.percentile = percentile
    }

    /// Parses the JSON text of an `int8-calibration.json`; `path` names it in errors
    /// (`CaptionError.invalidConfiguration`).
    public init(json data: Data, path: String) throws {
        guard case let .object(fields) = try JSONValue.parse(data, path: path) else {
            throw CaptionError.invalidConfiguration(path: path, field: "(json)", reason: "must be a JSON object")
        }
        guard case let .string(format)? = fields["format"], format == Self.format else {
            throw CaptionError.invalidConfiguration(path: path, field: "format", reason: "must be \"\(Self.format)\"")
        }
        guard case let .number(images)? = fields["images"], images >= 1, images == images.rounded() else {
            throw CaptionError.invalidConfiguration(path: path, field: "images", reason: "must be a whole number of at least 1")
        }
        guard case let .number(percentile)? = fields["percentile"], percentile > 0, percentile <= 100 else {
            throw CaptionError.invalidConfiguration(path: path, field: "percentile", reason: "must be a number in (0, 100]")
        }
        guard case let .object(clips)? = fields["input_clip"] else {
            throw CaptionError.invalidConfiguration(path: path, field: "input_clip", reason: "must be an object of clip values")
        }
        var inputClips: [String: Float] = [:]
        for (key, value) in clips {
            guard case let .number(clip) = value, clip > 0, Float(clip).isFinite else {
                throw CaptionError.invalidConfiguration(path: path, field: "input_clip.\(key)", reason: "must be a positive number")
            }
            inputClips[key] = Float(clip)
        }
        self.init(inputClips: inputClips, images: Int(images), percentile: percentile)
    }

    /// The calibration of the bundle in `store`.
    /// - Throws: `CaptionError.unreadableFile` naming the missing file and how to make it, or
    ///   `.invalidConfiguration` for a malformed one.
    public init(bundle store: WeightStore) throws {
        let path = ModelBundle.memberPath(Self.fileName, of: store)
        guard store.containsFile(Self.fileName) else {
            throw CaptionError.unreadableFile(
                path: path, reason: "missing: the int8 encoder needs the bundle's activation ranges (make them with 'caption-eval calibrate')")
        }
        try self.init(json: Data(try store.contents(ofFile: Self.fileName)), path: path)
    }

    /// The JSON text of this calibration, keys in order, one clip value per line.
    public var json: String {
        let clips = inputClips.keys.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
            .map { "    \"\($0)\": \(inputClips[$0] ?? 0)" }
        return """
            {
              "format": "\(Self.format)",
              "images": \(images),
              "percentile": \(percentile),
              "input_clip": {
            \(clips.joined(separator: ",\n"))
              }
            }

            """
    }
}
