import Foundation

/// Typed access to the fields of `config.json`, each failure naming the field.
struct ConfigurationFields {
    let path: String

    private func fail(_ field: String, _ reason: String) -> CaptionError {
        .invalidConfiguration(path: path, field: field, reason: reason)
    }

    func object(_ value: JSONValue?, field: String) throws -> [String: JSONValue] {
        guard let value else { throw fail(field, "missing") }
        guard case let .object(object) = value else { throw fail(field, "expected an object, got \(value.summary)") }
        return object
    }

    func string(_ value: JSONValue?, field: String) throws -> String {
        guard let value else { throw fail(field, "missing") }
        guard case let .string(string) = value else { throw fail(field, "expected a string, got \(value.summary)") }
        return string
    }

    func bool(_ value: JSONValue?, field: String) throws -> Bool {
        guard let value else { throw fail(field, "missing") }
        guard case let .bool(flag) = value else { throw fail(field, "expected true or false, got \(value.summary)") }
        return flag
    }

    func positiveInteger(_ value: JSONValue?, field: String) throws -> Int {
        guard let value else { throw fail(field, "missing") }
        guard case let .number(number) = value, number >= 1, number <= 1e9, number == number.rounded() else {
            throw fail(field, "expected a positive integer, got \(value.summary)")
        }
        return Int(number)
    }

    func floats(_ value: JSONValue?, field: String, count: Int) throws -> [Float] {
        guard let value else { throw fail(field, "missing") }
        guard case let .array(array) = value, array.count == count else {
            throw fail(field, "expected a list of \(count) numbers, got \(value.summary)")
        }
        return try array.map { element in
            guard case let .number(number) = element, number.isFinite else {
                throw fail(field, "expected numbers, got \(element.summary)")
            }
            return Float(number)
        }
    }

    func rejectUnknownKeys(_ object: [String: JSONValue], allowed: Set<String>, section: String) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail("\(section).\(unknown)", "unknown field (expected one of \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func encoder(_ value: JSONValue?) throws -> ModelConfiguration.Encoder {
        let object = try object(value, field: "encoder")
        try rejectUnknownKeys(object, allowed: ["architecture", "layers", "batch_norm", "batch_norm_eps", "input_size", "mean", "std", "pool_size"], section: "encoder")
        let architecture = try string(object["architecture"], field: "encoder.architecture")
        guard architecture == "vgg" else {
            throw fail("encoder.architecture", "'\(architecture)' is not supported (expected 'vgg')")
        }
        let layers = try layerList(object["layers"])
        var epsilon: Float = 1e-5
        if let given = object["batch_norm_eps"], given != .null {
            guard case let .number(number) = given, number > 0, number.isFinite else {
                throw fail("encoder.batch_norm_eps", "expected a positive number, got \(given.summary)")
            }
            epsilon = Float(number)
        }
        var poolSize: Int?
        if let given = object["pool_size"], given != .null {
            poolSize = try positiveInteger(given, field: "encoder.pool_size")
        }
        let std = try floats(object["std"], field: "encoder.std", count: 3)
        guard std.allSatisfy({ $0 > 0 }) else { throw fail("encoder.std", "every value must be positive") }
        return ModelConfiguration.Encoder(
            layers: layers,
            batchNorm: try bool(object["batch_norm"], field: "encoder.batch_norm"),
            batchNormEpsilon: epsilon,
            inputSize: try positiveInteger(object["input_size"], field: "encoder.input_size"),
            mean: try floats(object["mean"], field: "encoder.mean", count: 3),
            std: std,
            poolSize: poolSize)
    }

    private func layerList(_ value: JSONValue?) throws -> [ModelConfiguration.EncoderLayer] {
        guard let value else { throw fail("encoder.layers", "missing") }
        guard case let .array(list) = value, !list.isEmpty else { throw fail("encoder.layers", "expected a non-empty list") }
        let layers: [ModelConfiguration.EncoderLayer] = try list.enumerated().map { index, entry in
            if case let .string(marker) = entry {
                guard marker == "M" else { throw fail("encoder.layers[\(index)]", "'\(marker)' is not \"M\" or a channel count") }
                return .maxPool
            }
            return .convolution(channels: try positiveInteger(entry, field: "encoder.layers[\(index)]"))
        }
        guard layers.contains(where: { $0 != .maxPool }) else {
            throw fail("encoder.layers", "needs at least one convolution")
        }
        return layers
    }

    func decoder(_ value: JSONValue?) throws -> ModelConfiguration.Decoder {
        let object = try object(value, field: "decoder")
        try rejectUnknownKeys(object, allowed: ["embed_dim", "attention_dim", "decoder_dim", "encoder_dim", "attention_activation", "gate"], section: "decoder")
        let activationName = try string(object["attention_activation"], field: "decoder.attention_activation")
        guard let activation = ModelConfiguration.AttentionActivation(rawValue: activationName) else {
            throw fail("decoder.attention_activation", "'\(activationName)' is not supported (expected 'relu' or 'tanh')")
        }
        return ModelConfiguration.Decoder(
            embedDim: try positiveInteger(object["embed_dim"], field: "decoder.embed_dim"),
            attentionDim: try positiveInteger(object["attention_dim"], field: "decoder.attention_dim"),
            decoderDim: try positiveInteger(object["decoder_dim"], field: "decoder.decoder_dim"),
            encoderDim: try positiveInteger(object["encoder_dim"], field: "decoder.encoder_dim"),
            attentionActivation: activation,
            gate: try bool(object["gate"], field: "decoder.gate"))
    }
}
