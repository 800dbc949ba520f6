/// The `state_dict` keys and shapes a configuration implies: what a bundle must hold.
public struct TensorManifest: Sendable, Equatable {
    /// One expected tensor.
    public struct Entry: Sendable, Equatable {
        /// The PyTorch `state_dict` key (the `.npy` file name without extension).
        public var key: String
        /// The shape PyTorch gives the tensor.
        public var shape: [Int]
    }

    /// Where one convolution of the encoder lives in torchvision's `nn.Sequential`.
    public struct ConvolutionSlot: Sendable, Equatable {
        /// Module index of the Conv2d (`encoder.features.{index}`).
        public var index: Int
        /// Module index of its BatchNorm2d, when the encoder has BatchNorm.
        public var batchNormIndex: Int?
        /// Input and output channels.
        public var inputChannels: Int, outputChannels: Int
    }

    /// Every float tensor, in a stable order (encoder first, then decoder).
    public private(set) var entries: [Entry] = []
    /// BatchNorm `num_batches_tracked` keys: integer tensors that are accepted and ignored.
    public private(set) var ignoredKeys: Set<String> = []
    /// The encoder's convolutions in order, with their module indices.
    public private(set) var convolutions: [ConvolutionSlot] = []

    /// The manifest for `configuration` with a vocabulary of `vocabularySize` words.
    public init(configuration: ModelConfiguration, vocabularySize: Int) {
        // torchvision's make_layers: "M" -> MaxPool2d; v -> Conv2d [, BatchNorm2d], ReLU;
        // every module takes the next index in the nn.Sequential.
        var index = 0
        var channels = 3
        for layer in configuration.encoder.layers {
            guard case let .convolution(outputChannels) = layer else {
                index += 1
                continue
            }
            let convolutionKey = "encoder.features.\(index)"
            add("\(convolutionKey).weight", [outputChannels, channels, 3, 3])
            add("\(convolutionKey).bias", [outputChannels])
            var batchNormIndex: Int?
            if configuration.encoder.batchNorm {
                batchNormIndex = index + 1
                let batchNormKey = "encoder.features.\(index + 1)"
                for parameter in ["weight", "bias", "running_mean", "running_var"] {
                    add("\(batchNormKey).\(parameter)", [outputChannels])
                }
                ignoredKeys.insert("\(batchNormKey).num_batches_tracked")
            }
            convolutions.append(ConvolutionSlot(index: index, batchNormIndex: batchNormIndex,
                                                inputChannels: channels, outputChannels: outputChannels))
            index += configuration.encoder.batchNorm ? 3 : 2
            channels = outputChannels
        }

        let decoder = configuration.decoder
        addLinear("decoder.attention.encoder_att", input: decoder.encoderDim, output: decoder.attentionDim)
        addLinear("decoder.attention.decoder_att", input: decoder.decoderDim, output: decoder.attentionDim)
        addLinear("decoder.attention.full_att", input: decoder.attentionDim, output: 1)
        add("decoder.embedding.weight", [vocabularySize, decoder.embedDim])
        let gates = 4 * decoder.decoderDim
        add("decoder.decode_step.weight_ih", [gates, decoder.embedDim + decoder.encoderDim])
        add("decoder.decode_step.weight_hh", [gates, decoder.decoderDim])
        add("decoder.decode_step.bias_ih", [gates])
        add("decoder.decode_step.bias_hh", [gates])
        addLinear("decoder.init_h", input: decoder.encoderDim, output: decoder.decoderDim)
        addLinear("decoder.init_c", input: decoder.encoderDim, output: decoder.decoderDim)
        if decoder.gate {
            addLinear("decoder.f_beta", input: decoder.decoderDim, output: decoder.encoderDim)
        }
        addLinear("decoder.fc", input: decoder.decoderDim, output: vocabularySize)
    }

    private mutating func add(_ key: String, _ shape: [Int]) {
        entries.append(Entry(key: key, shape: shape))
    }

    private mutating func addLinear(_ prefix: String, input: Int, output: Int) {
        add("\(prefix).weight", [output, input])
        add("\(prefix).bias", [output])
    }
}
