import CaptionKit
import Foundation
import Testing

/// The command's standard output for files, folders and standard input, plain and JSON.
@Suite struct CaptionOutputTests {
    let model = ["--model", CommandFixtures.plainModel]

    @Test func singleImagePrintsTheCaptionAlone() throws {
        let result = try CaptionExecutable.run(model + [CommandFixtures.plainImage])
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.plainImage)
        #expect(result.status == 0)
        #expect(result.output == expected.text + "\n")
        #expect(result.error.isEmpty)
    }

    @Test func severalImagesPrintPathTabCaptionInOrder() throws {
        let images = [CommandFixtures.otherImage, CommandFixtures.plainImage, CommandFixtures.jpegImage]
        let result = try CaptionExecutable.run(model + images)
        let expected = try images.map { "\($0)\t\(try CommandFixtures.libraryCaption($0).text)" }
        #expect(result.status == 0)
        #expect(result.outputLines == expected)
    }

    @Test func folderGivesItsImagesSortedAndRecursiveAddsSubfolders() throws {
        let folder = try TemporaryFolder()
        try folder.copy(CommandFixtures.plainImage, to: "b.PNG")
        try folder.copy(CommandFixtures.jpegImage, to: "a.jpg")
        try folder.copy(CommandFixtures.otherImage, to: "c.Jpeg")
        try folder.copy(CommandFixtures.plainImage, to: "sub/d.png")
        try folder.copy(CommandFixtures.plainImage, to: ".hidden.png")
        try Data("not an image".utf8).write(to: folder.url.appendingPathComponent("notes.txt"))
        let flat = try CaptionExecutable.run(model + [folder.url.path])
        #expect(flat.status == 0)
        #expect(flat.outputLines.map { $0.split(separator: "\t")[0] } == ["a.jpg", "b.PNG", "c.Jpeg"].map { folder.path($0)[...] })
        let recursive = try CaptionExecutable.run(model + ["--recursive", folder.url.path + "/"])
        #expect(recursive.status == 0)
        #expect(recursive.outputLines.map { $0.split(separator: "\t")[0] }
                == ["a.jpg", "b.PNG", "c.Jpeg", "sub/d.png"].map { folder.path($0)[...] })
        let caption = try CommandFixtures.libraryCaption(CommandFixtures.plainImage).text
        #expect(recursive.outputLines.last == "\(folder.path("sub/d.png"))\t\(caption)")
    }

    @Test func dashReadsPathsFromStandardInput() throws {
        let images = [CommandFixtures.plainImage, CommandFixtures.jpegImage, CommandFixtures.otherImage]
        let input = images[0] + "\n\n" + images[1] + "\r\n" + images[2]
        let result = try CaptionExecutable.run(model + [CommandFixtures.otherImage, "-"], input: input)
        #expect(result.status == 0)
        #expect(result.outputLines.map { String($0.split(separator: "\t")[0]) } == [CommandFixtures.otherImage] + images)
    }

    @Test func jsonLinesMatchTheLibrary() throws {
        let images = [CommandFixtures.plainImage, CommandFixtures.jpegImage]
        let options = DecodingOptions(beamSize: 5, maxLength: 20)
        let result = try CaptionExecutable.run(model + ["--json", "--beam-size", "5", "--max-length", "20"] + images)
        #expect(result.status == 0)
        #expect(result.outputLines.count == 2)
        for (line, image) in zip(result.outputLines, images) {
            // Keys in docs/specification.md's order, with its spacing.
            #expect(line.hasPrefix("{\"image\": \""))
            let keys = ["\"image\": ", ", \"caption\": ", ", \"tokens\": [", ", \"score\": "]
            let positions = keys.compactMap { line.range(of: $0)?.lowerBound }
            #expect(positions.count == 4 && positions == positions.sorted(), "\(line)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let expected = try CommandFixtures.libraryCaption(image, options: options)
            #expect(Set(object.keys) == ["image", "caption", "tokens", "score"])
            #expect(object["image"] as? String == image)
            #expect(object["caption"] as? String == expected.text)
            #expect(object["tokens"] as? [String] == expected.tokens)
            let score = try #require(object["score"] as? Double)
            #expect(abs(Float(score) - expected.score) <= 1e-5)
        }
    }

    @Test func nBestPrintsTheSameNCaptionsInTextAndJSON() throws {
        let options = DecodingOptions(beamSize: 4, nBest: 3)
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.plainImage, options: options)
        try #require(expected.alternatives.count == 2)
        let ranked = [expected] + expected.alternatives

        let plain = try CaptionExecutable.run(model + ["--beam-size", "4", "--n-best", "3", CommandFixtures.plainImage])
        #expect(plain.status == 0)
        #expect(plain.outputLines == [expected.text] + ranked.enumerated().map { rank, caption in
            "  #\(rank + 1) \(String(format: "%.4f", caption.score))\t\(caption.text)"
        })

        let json = try CaptionExecutable.run(model + ["--json", "--beam-size", "4", "--n-best", "3", CommandFixtures.plainImage])
        #expect(json.status == 0)
        let line = try #require(json.outputLines.first)
        #expect(line.range(of: ", \"n_best\": [{\"caption\": ") != nil)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["alternatives"] == nil)
        let nBest = try #require(object["n_best"] as? [[String: Any]])
        #expect(nBest.count == 3)
        for (entry, caption) in zip(nBest, ranked) {
            #expect(Set(entry.keys) == ["caption", "tokens", "score"])
            #expect(entry["tokens"] as? [String] == caption.tokens)
            #expect(abs(Float(try #require(entry["score"] as? Double)) - caption.score) <= 1e-5)
        }
    }

    @Test func searchOptionsReachTheLibrary() throws {
        let options = DecodingOptions(beamSize: 2, maxLength: 4, lengthPenalty: .wu(alpha: 0.7),
                                      blockRepeatedTrigrams: true, suppressUnknown: true)
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.otherImage, options: options)
        let result = try CaptionExecutable.run(model + [
            "--beam-size", "2", "--max-length", "4", "--length-penalty", "wu", "--block-repeated-trigrams",
            "--suppress-unknown", CommandFixtures.otherImage,
        ])
        #expect(result.status == 0)
        #expect(result.output == expected.text + (expected.finished ? "" : "…") + "\n")
        #expect(expected.tokens.count <= 4)
        let average = try CommandFixtures.libraryCaption(CommandFixtures.otherImage, options: DecodingOptions(lengthPenalty: .average))
        let averaged = try CaptionExecutable.run(model + ["--length-penalty", "avg", CommandFixtures.otherImage])
        #expect(averaged.output == average.text + "\n")
    }

    @Test func timingsGoToStandardErrorPerImage() throws {
        let images = [CommandFixtures.plainImage, CommandFixtures.jpegImage]
        let result = try CaptionExecutable.run(model + ["--timings"] + images)
        #expect(result.status == 0)
        #expect(result.outputLines.count == 2)
        let lines = result.errorLines
        try #require(lines.count == 3)
        #expect(lines[0].wholeMatch(of: /timings model_load_ms=\d+\.\d\d/) != nil, "\(lines[0])")
        for (line, image) in zip(lines.dropFirst(), images) {
            let match = line.wholeMatch(of: /timings image=(.+) load_ms=(\d+\.\d\d) decode_ms=(\d+\.\d\d) encode_ms=(\d+\.\d\d) search_ms=(\d+\.\d\d) total_ms=(\d+\.\d\d)/)
            let fields = try #require(match, "\(line)").output
            #expect(fields.1 == image)
            let stages = [fields.2, fields.3, fields.4, fields.5].compactMap { Double($0) }
            let total = try #require(Double(fields.6))
            #expect(stages.count == 4 && stages.reduce(0, +) <= total + 0.05, "\(line)")
        }
    }

    @Test func manyImagesComeOutInInputOrderWhateverTheThreads() throws {
        // Large and small images alternate, so that later ones finish first on other workers.
        let images = (0..<24).map { [CommandFixtures.path("images/resize_large.png"), CommandFixtures.plainImage, CommandFixtures.jpegImage][$0 % 3] }
        let expected = try images.map { "\($0)\t\(try CommandFixtures.libraryCaption($0).text)" }
        for threads in ["1", "3"] {
            let result = try CaptionExecutable.run(model + ["--threads", threads, "-"], input: images.joined(separator: "\n"))
            #expect(result.status == 0)
            #expect(result.outputLines == expected, "--threads \(threads)")
        }
    }

    @Test func captionsStreamWhileStandardInputIsStillOpen() throws {
        let process = Process()
        process.executableURL = CaptionExecutable.url
        process.arguments = model + ["-"]
        process.environment = CaptionExecutable.cleanEnvironment
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The first caption must arrive while the command still waits for more paths.
        input.fileHandleForWriting.write(Data((CommandFixtures.plainImage + "\n").utf8))
        let first = try #require(LineReader(output.fileHandleForReading).nextLine(waitingAtMost: 120),
                                 "no caption before standard input was closed")
        let expected = try CommandFixtures.libraryCaption(CommandFixtures.plainImage).text
        #expect(first == "\(CommandFixtures.plainImage)\t\(expected)")
        #expect(process.isRunning)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func versionAndHelp() throws {
        let version = try CaptionExecutable.run(["--version"])
        #expect(version.status == 0 && version.output == "caption 0.1.0\n")
        let help = try CaptionExecutable.run(["--help"])
        #expect(help.status == 0)
        for text in ["Examples:", "caption photo.jpg", "--n-best", "--attention-dir", "#RANK SCORE<TAB>CAPTION", "CAPTIONKIT_MODEL",
                     "caption serve [options]", "caption serve --help", "model cache", "CAPTIONKIT_CACHE"] {
            #expect(help.output.contains(text), "help lacks \(text)")
        }
    }
}

/// Reads one line from a pipe on another thread, giving up after a while (so that a broken
/// command fails the test instead of hanging it).
private final class LineReader: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()
    private var line: String?

    init(_ handle: FileHandle) {
        self.handle = handle
    }

    func nextLine(waitingAtMost seconds: Double) -> String? {
        let done = DispatchSemaphore(value: 0)
        Thread { [self] in
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let byte = chunk.first, byte != UInt8(ascii: "\n") else { break }
                bytes.append(byte)
            }
            lock.withLock { line = String(decoding: bytes, as: UTF8.self) }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { line }
    }
}
