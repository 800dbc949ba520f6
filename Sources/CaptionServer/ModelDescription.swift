import CaptionKit

/// The answer of `GET /v1/model`: where the model was loaded from, its configuration, the
/// encoder's precision, the vocabulary size, and the server's limits.
struct ModelDescription {
    /// The loaded bundle.
    let bundle: ModelBundle
    /// The server's configuration (workers, queue, body limit).
    let configuration: ServerConfiguration

    /// The JSON object.
    var json: String {
        let model = bundle.configuration
        let layers = model.encoder.layers.map { layer -> String in
            switch layer {
            case let .convolution(channels): return String(channels)
            case .maxPool: return "\"M\""
            }
        }
        let encoder = [
            "\"architecture\": \"vgg\"",
            "\"layers\": [\(layers.joined(separator: ", "))]",
            "\"batch_norm\": \(model.encoder.batchNorm)",
            "\"input_size\": \(model.encoder.inputSize)",
            "\"pool_size\": \(model.encoder.poolSize.map { String($0) } ?? "null")",
            "\"grid_size\": \(model.encoder.gridSize)",
            "\"precision\": \(JSONText.string(bundle.encoder.precision.rawValue))",
        ]
        let decoder = [
            "\"embed_dim\": \(model.decoder.embedDim)",
            "\"attention_dim\": \(model.decoder.attentionDim)",
            "\"decoder_dim\": \(model.decoder.decoderDim)",
            "\"encoder_dim\": \(model.decoder.encoderDim)",
            "\"attention_activation\": \(JSONText.string(model.decoder.attentionActivation.rawValue))",
            "\"gate\": \(model.decoder.gate)",
        ]
        let server = [
            "\"workers\": \(configuration.workers)",
            "\"queue\": \(configuration.queueCapacity)",
            "\"max_body_bytes\": \(configuration.maxBodyBytes)",
        ]
        return "{\"format\": \(JSONText.string(ModelConfiguration.supportedFormat)), "
            + "\"location\": \(JSONText.string(bundle.location)), "
            + "\"vocabulary_size\": \(bundle.vocabulary.count), "
            + "\"encoder\": {\(encoder.joined(separator: ", "))}, "
            + "\"decoder\": {\(decoder.joined(separator: ", "))}, "
            + "\"server\": {\(server.joined(separator: ", "))}}"
    }
}
