import CaptionKit
import Foundation
import Testing

/// What the output says beyond the words: a caption cut off at --max-length is marked, and
/// `<pad>` is never printed.
@Suite struct CaptionOutputMarksTests {
    let model = ["--model", CommandFixtures.plainModel]

    @Test func cutOffCaptionEndsInAnEllipsisAndJSONSaysNotFinished() throws {
        let options = DecodingOptions(maxLength: 3)
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.plainImage, options: options)
        try #require(!expected.finished)
        let plain = try CaptionExecutable.run(model + ["--max-length", "3", CommandFixtures.plainImage])
        #expect(plain.output == expected.text + "…\n")
        let json = try CaptionExecutable.run(model + ["--json", "--max-length", "3", CommandFixtures.plainImage])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        #expect(object["finished"] as? Bool == false)
        #expect(object["caption"] as? String == expected.text)
    }

    @Test func finishedCaptionHasNoMark() throws {
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.plainImage)
        try #require(expected.finished)
        let json = try CaptionExecutable.run(model + ["--json", CommandFixtures.plainImage])
        #expect(!json.output.contains("finished"))
        let plain = try CaptionExecutable.run(model + [CommandFixtures.plainImage])
        #expect(plain.output == expected.text + "\n")
    }

    @Test func padIsNeverPrinted() throws {
        let folder = try TemporaryFolder()
        let padded = try folder.copy(CommandFixtures.plainModel, to: "model")
        // The plain model's greedy caption starts with "on": name that word's index <pad>.
        let vocabularyURL = URL(fileURLWithPath: padded).appendingPathComponent("vocab.json")
        var vocabulary = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: vocabularyURL))
        (vocabulary["on"], vocabulary["<pad>"]) = (vocabulary["<pad>"], vocabulary["on"])
        try JSONEncoder().encode(vocabulary).write(to: vocabularyURL)
        let original = try CommandFixtures.libraryCaption(CommandFixtures.plainImage, options: DecodingOptions(beamSize: 1))
        try #require(original.tokens.first == "on")
        let result = try CaptionExecutable.run(["--model", padded, "--json", "--beam-size", "1", CommandFixtures.plainImage])
        #expect(result.status == 0)
        #expect(!result.output.contains("<pad>"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["tokens"] as? [String] == original.tokens.filter { $0 != "on" })
        #expect(abs(Float(try #require(object["score"] as? Double)) - original.score) <= 1e-5)
    }
}
