import Foundation
import Testing
@testable import CaptionKit

/// docs/specification.md's example configuration (VGG-16 conv5_3, pool 14, 512-wide decoder).
let vgg16ConfigurationJSON = """
{
  "format": "show-attend-tell/1",
  "encoder": {"architecture": "vgg",
              "layers": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512],
              "batch_norm": false, "input_size": 224,
              "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
              "pool_size": 14},
  "decoder": {"embed_dim": 512, "attention_dim": 512, "decoder_dim": 512, "encoder_dim": 512,
              "attention_activation": "relu", "gate": true},
  "vocabulary": "vocab.json"
}
"""

private func configuration(_ json: String) throws -> ModelConfiguration {
    try ModelConfiguration(json: Data(json.utf8), path: "config.json")
}

/// The configuration with one substring replaced, to make a broken variant.
private func variant(_ old: String, _ new: String) -> String {
    vgg16ConfigurationJSON.replacingOccurrences(of: old, with: new)
}

/// The field an invalid configuration is reported against.
private func failingField(_ json: String) -> String? {
    do {
        _ = try configuration(json)
        return nil
    } catch let CaptionError.invalidConfiguration(path, field, _) {
        #expect(path == "config.json")
        return field
    } catch {
        return "unexpected \(error)"
    }
}

@Suite("Model configuration")
struct ModelConfigurationTests {
    @Test("docs/specification.md's example parses")
    func parsesExample() throws {
        let parsed = try configuration(vgg16ConfigurationJSON)
        #expect(parsed.encoder.layers.count == 17)
        #expect(parsed.encoder.layers[2] == .maxPool)
        #expect(parsed.encoder.outputChannels == 512)
        #expect(parsed.encoder.gridSize == 14)
        #expect(parsed.encoder.batchNormEpsilon == 1e-5)
        #expect(parsed.decoder.attentionActivation == .relu)
        #expect(parsed.decoder.gate)
        #expect(parsed.vocabularyFile == "vocab.json")
    }

    @Test("without a pool the grid is the input halved at every max pool")
    func gridWithoutPool() throws {
        let parsed = try configuration(variant("\"pool_size\": 14", "\"pool_size\": null"))
        #expect(parsed.encoder.poolSize == nil)
        #expect(parsed.encoder.gridSize == 14)
    }

    @Test("unknown or malformed values name their field", arguments: [
        ("\"format\": \"show-attend-tell/1\"", "\"format\": \"show-attend-tell/2\"", "format"),
        ("\"architecture\": \"vgg\"", "\"architecture\": \"resnet\"", "encoder.architecture"),
        ("\"attention_activation\": \"relu\"", "\"attention_activation\": \"gelu\"", "decoder.attention_activation"),
        ("\"batch_norm\": false", "\"batch_norm\": 0", "encoder.batch_norm"),
        ("\"input_size\": 224", "\"input_size\": 22.5", "encoder.input_size"),
        ("\"input_size\": 224", "\"input_size\": 8", "encoder.input_size"),
        ("\"layers\": [64,", "\"layers\": [\"X\", 64,", "encoder.layers[0]"),
        ("\"encoder_dim\": 512", "\"encoder_dim\": 256", "decoder.encoder_dim"),
        ("\"std\": [0.229, 0.224, 0.225]", "\"std\": [0.229, 0.224]", "encoder.std"),
        ("\"std\": [0.229, 0.224, 0.225]", "\"std\": [0.229, 0, 0.225]", "encoder.std"),
        ("\"gate\": true", "\"gate\": true, \"dropout\": 0.5", "decoder.dropout"),
        ("\"vocabulary\": \"vocab.json\"", "\"vocab\": \"vocab.json\"", "vocabulary"),
        ("{", "[", "(json)"),
    ])
    func rejects(change: (String, String, String)) {
        #expect(failingField(variant(change.0, change.1)) == change.2)
    }

    @Test("a missing file is an unreadable-file error naming it")
    func missingFile() {
        #expect(throws: CaptionError.unreadableFile(path: "/nonexistent/config.json", reason: "")) {
            do {
                _ = try ModelConfiguration(contentsOf: URL(fileURLWithPath: "/nonexistent/config.json"))
            } catch let CaptionError.unreadableFile(path, _) {
                throw CaptionError.unreadableFile(path: path, reason: "")
            }
        }
    }
}

@Suite("Tensor manifest")
struct TensorManifestTests {
    @Test("convolutions take torchvision's nn.Sequential indices")
    func torchvisionIndices() throws {
        let plain = TensorManifest(configuration: try configuration(vgg16ConfigurationJSON), vocabularySize: 100)
        #expect(plain.convolutions.map(\.index) == [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28])
        let batchNorm = TensorManifest(configuration: try configuration(variant("\"batch_norm\": false", "\"batch_norm\": true")), vocabularySize: 100)
        #expect(batchNorm.convolutions.map(\.index) == [0, 3, 7, 10, 14, 17, 20, 24, 27, 30, 34, 37, 40])
        #expect(batchNorm.ignoredKeys.contains("encoder.features.41.num_batches_tracked"))
    }

    @Test("decoder tensors have PyTorch's shapes")
    func decoderShapes() throws {
        let manifest = TensorManifest(configuration: try configuration(vgg16ConfigurationJSON), vocabularySize: 100)
        let shapes = Dictionary(uniqueKeysWithValues: manifest.entries.map { ($0.key, $0.shape) })
        #expect(shapes["encoder.features.0.weight"] == [64, 3, 3, 3])
        #expect(shapes["encoder.features.28.weight"] == [512, 512, 3, 3])
        #expect(shapes["decoder.decode_step.weight_ih"] == [2048, 1024])
        #expect(shapes["decoder.attention.full_att.weight"] == [1, 512])
        #expect(shapes["decoder.embedding.weight"] == [100, 512])
        #expect(shapes["decoder.fc.weight"] == [100, 512])
        #expect(shapes["decoder.f_beta.weight"] == [512, 512])
        #expect(manifest.entries.count == 26 + 6 + 1 + 4 + 4 + 2 + 2)
    }
}

@Suite("Vocabulary")
struct VocabularyTests {
    private let specials = ["<pad>": 0, "<start>": 1, "<end>": 2, "<unk>": 3]

    @Test("words are ordered by index and specials found")
    func parses() throws {
        let vocabulary = try Vocabulary(json: Data(#"{"<pad>":0,"<start>":1,"<end>":2,"<unk>":3,"red":5,"a":4}"#.utf8), path: "vocab.json")
        #expect(vocabulary.words == ["<pad>", "<start>", "<end>", "<unk>", "a", "red"])
        #expect(vocabulary.index(of: "red") == 5)
        #expect(vocabulary.endIndex == 2)
        #expect(vocabulary.isSpecial(3) && !vocabulary.isSpecial(4))
    }

    @Test("broken word maps are refused with the reason", arguments: [
        (["a": 5], "outside"),
        (["a": 3], "used by both"),
        (["a": -1], "outside"),
    ])
    func rejects(extra: ([String: Int], String)) {
        do {
            _ = try Vocabulary(indices: specials.merging(extra.0) { $1 }, path: "vocab.json")
            Issue.record("accepted \(extra.0)")
        } catch let CaptionError.invalidVocabulary(path, reason) {
            #expect(path == "vocab.json")
            #expect(reason.contains(extra.1), "\(reason)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a missing special token is named")
    func missingSpecial() {
        #expect(throws: CaptionError.invalidVocabulary(path: "v.json", reason: "missing special token '<unk>'")) {
            try Vocabulary(indices: ["<pad>": 0, "<start>": 1, "<end>": 2, "a": 3], path: "v.json")
        }
    }

    @Test("JSON that is not a word map is refused")
    func notAMap() {
        #expect(throws: CaptionError.self) { try Vocabulary(json: Data("[1,2]".utf8), path: "v.json") }
    }
}
