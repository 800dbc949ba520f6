import Foundation

/// The parsed `config.json` of a model bundle (format "show-attend-tell/1"): the encoder's
/// layer list and preprocessing, the decoder's sizes, and the vocabulary file name.
public struct ModelConfiguration: Sendable, Equatable {
    /// The bundle format this engine reads.
    public static let supportedFormat = "show-attend-tell/1"

    /// One entry of torchvision's VGG `cfg` list.
    public enum EncoderLayer: Sendable, Equatable {
        /// A 3x3 convolution (padding 1, stride 1) with this many output channels, then
        /// BatchNorm when enabled, then ReLU.
        case convolution(channels: Int)
        /// A 2x2 max pool with stride 2 (`"M"` in the list).
        case maxPool
    }

    /// The nonlinearity inside the additive attention (`attention_activation`).
    public enum AttentionActivation: String, Sendable, Equatable {
        /// `relu`, as in most PyTorch Show-Attend-Tell code.
        case relu
        /// `tanh`, as in the paper's formulation.
        case tanh
    }

    /// The encoder section.
    public struct Encoder: Sendable, Equatable {
        /// torchvision's VGG `cfg` list.
        public var layers: [EncoderLayer]
        /// Whether each convolution is followed by BatchNorm (torchvision's `vgg*_bn`).
        public var batchNorm: Bool
        /// BatchNorm's epsilon (`batch_norm_eps`, default 1e-5 as torch.nn.BatchNorm2d).
        public var batchNormEpsilon: Float
        /// Side of the square input the image is resized to.
        public var inputSize: Int
        /// Per-channel mean subtracted after scaling to [0, 1] (RGB order).
        public var mean: [Float]
        /// Per-channel standard deviation divided by after subtracting the mean.
        public var std: [Float]
        /// Side of the optional adaptive average pool (torch.nn.AdaptiveAvgPool2d); `nil` = none.
        public var poolSize: Int?

        /// Channels of the last convolution: the size of each annotation vector.
        public var outputChannels: Int {
            layers.reduce(3) { channels, layer in
                if case let .convolution(next) = layer { return next }
                return channels
            }
        }

        /// Side of the last convolution's feature map for the configured input size (each
        /// max pool halves it, rounding down as PyTorch does).
        public var featureMapSize: Int {
            layers.reduce(inputSize) { side, layer in layer == .maxPool ? side / 2 : side }
        }

        /// Side of the grid of annotation vectors: the adaptive pool's size, or the feature map's.
        public var gridSize: Int {
            poolSize ?? featureMapSize
        }
    }

    /// The decoder section.
    public struct Decoder: Sendable, Equatable {
        /// Word embedding size (`embed_dim`).
        public var embedDim: Int
        /// Attention hidden size (`attention_dim`).
        public var attentionDim: Int
        /// LSTM hidden size (`decoder_dim`).
        public var decoderDim: Int
        /// Annotation vector size (`encoder_dim`); equals the encoder's last channel count.
        public var encoderDim: Int
        /// Attention nonlinearity.
        public var attentionActivation: AttentionActivation
        /// Whether the context is gated by sigmoid(f_beta(h)).
        public var gate: Bool
    }

    /// The encoder section.
    public var encoder: Encoder
    /// The decoder section.
    public var decoder: Decoder
    /// The vocabulary file name, relative to the bundle.
    public var vocabularyFile: String

    /// Reads and validates `config.json` at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CaptionError.unreadableFile(path: url.path, reason: Self.reason(of: error))
        }
        try self.init(json: data, path: url.path)
    }

    /// Parses and validates configuration JSON; `path` names the source in errors.
    public init(json data: Data, path: String) throws {
        let fields = ConfigurationFields(path: path)
        let root = try fields.object(JSONValue.parse(data, path: path), field: "(root)")
        let format = try fields.string(root["format"], field: "format")
        guard format == Self.supportedFormat else {
            throw CaptionError.invalidConfiguration(
                path: path, field: "format", reason: "'\(format)' is not supported (expected '\(Self.supportedFormat)')")
        }
        encoder = try fields.encoder(root["encoder"])
        decoder = try fields.decoder(root["decoder"])
        vocabularyFile = try fields.string(root["vocabulary"], field: "vocabulary")
        guard decoder.encoderDim == encoder.outputChannels else {
            throw CaptionError.invalidConfiguration(
                path: path, field: "decoder.encoder_dim",
                reason: "\(decoder.encoderDim) differs from the last convolution's \(encoder.outputChannels) channels")
        }
        guard encoder.featureMapSize > 0 else {
            throw CaptionError.invalidConfiguration(
                path: path, field: "encoder.input_size",
                reason: "\(encoder.inputSize) is too small for \(encoder.layers.filter { $0 == .maxPool }.count) max pools")
        }
    }

    static func reason(of error: Error) -> String {
        (error as NSError).localizedDescription
    }
}
