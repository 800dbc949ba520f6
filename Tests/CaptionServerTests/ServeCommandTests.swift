import CaptionKit
import Foundation
import Testing

/// The `caption serve` executable: it answers what `caption --json` prints, SIGTERM lets the
/// request in flight finish before it exits 0, and `--precision` picks the encoder's arithmetic.
@Suite(.serialized) struct ServeCommandTests {
    static let model = ServerFixtures.modelURL.path

    /// `caption --json ARGUMENTS` run to completion: its one JSON object.
    static func commandJSON(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = ServeProcess.executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func answersTheSameObjectAsCaptionJSON() async throws {
        let server = try ServeProcess(["--model", Self.model, "--threads", "2"])
        let png = try ServerFixtures.bytes(ServerFixtures.scenePNG)
        let served = try await RawHTTPConnection.request(port: server.port, method: "POST", path: "/v1/captions?n_best=2",
                                                         headers: [("Content-Type", "image/png")], body: png)
        let (status, _) = server.stop()
        #expect(status == 0)
        #expect(served.status == 200, "\(served.text)")
        let printed = try Self.commandJSON(["--json", "--n-best", "2", "--model", Self.model, ServerFixtures.scenePNG.path])
        for (key, value) in printed where key != "image" {
            let servedValue = try #require(served.json[key], "served answer lacks \(key)")
            #expect(NSDictionary(dictionary: [key: servedValue]).isEqual(to: [key: value]), "\(key): \(servedValue) vs \(value)")
        }
        #expect(served.json["timings_ms"] != nil)
    }

    @Test func sigtermFinishesTheRequestInFlightAndExitsZero() async throws {
        let server = try ServeProcess(["--model", Self.model, "--threads", "1"])
        let png = try ServerFixtures.bytes(ServerFixtures.scenePNG)
        let port = server.port
        let connection = try RawHTTPConnection(port: port, timeout: 30)
        // Half the upload, then the signal, then the rest: the answer must still come.
        let answer = try await RawHTTPConnection.offloaded { () -> HTTPAnswer? in
            connection.sendHead(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png")], contentLength: png.count)
            connection.send(png.prefix(png.count / 2))
            Thread.sleep(forTimeInterval: 0.3)
            kill(server.process.processIdentifier, SIGTERM)
            Thread.sleep(forTimeInterval: 0.3)
            connection.send(png.dropFirst(png.count / 2))
            return connection.readAnswer()
        }
        #expect(answer?.status == 200, "\(answer?.text ?? "no answer")")
        #expect(answer?.json["caption"] as? String != nil)
        let (status, output) = server.stop(signal: nil)
        #expect(status == 0, "\(output)")
        #expect(output.contains("caption serve: stopped"))
        // A new connection is refused once it has stopped.
        #expect(throws: (any Error).self) { _ = try RawHTTPConnection(port: port, timeout: 1) }
    }

    @Test func usageErrorsExit64() throws {
        let process = Process()
        process.executableURL = ServeProcess.executable
        process.arguments = ["serve", "--port", "70000"]
        process.standardError = Pipe()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
    }

    /// A copy of the scene model under `folder` with an int8 calibration made from the scene
    /// fixture image.
    static func calibratedModel(in folder: URL) throws -> URL {
        let model = folder.appendingPathComponent("scenes")
        try FileManager.default.copyItem(at: ServerFixtures.modelURL, to: model)
        var builder = try Int8CalibrationBuilder(imageEncoder: ImageEncoder(encoderOf: model), percentile: 100)
        builder.add(try ImageDecoder().decode(fileAt: ServerFixtures.scenePNG.path))
        try Data(builder.calibration().json.utf8).write(to: model.appendingPathComponent(Int8Calibration.fileName))
        return model
    }

    @Test func int8EncoderServesAndIsDescribed() async throws {
        guard EncoderPrecision.int8.isSupported else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("captionkit-serve-int8-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.calibratedModel(in: folder)
        let server = try ServeProcess(["--model", model.path, "--threads", "1", "--precision", "int8"])
        let described = try await RawHTTPConnection.request(port: server.port, path: "/v1/model")
        let png = try ServerFixtures.bytes(ServerFixtures.scenePNG)
        let served = try await RawHTTPConnection.request(port: server.port, method: "POST", path: "/v1/captions",
                                                         headers: [("Content-Type", "image/png")], body: png)
        let (status, output) = server.stop()
        #expect(status == 0)
        #expect(output.contains("(model \(model.path), int8 encoder, 1 workers"), "\(output)")
        #expect(server.errorText.isEmpty)
        #expect((described.json["encoder"] as? [String: Any])?["precision"] as? String == "int8", "\(described.text)")
        #expect(served.status == 200, "\(served.text)")
        let expected = try await Captioner(modelAt: model, precision: .int8).caption(ImageDecoder().decode(fileAt: ServerFixtures.scenePNG.path))
        #expect(served.json["caption"] as? String == expected.text)
    }

    @Test func int8WithoutCalibrationFailsToStartNamingTheFile() throws {
        guard EncoderPrecision.int8.isSupported else { return }
        let process = Process()
        process.executableURL = ServeProcess.executable
        process.arguments = ["serve", "--model", Self.model, "--precision", "int8", "--port", "0"]
        let errors = Pipe()
        process.standardOutput = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(text.hasPrefix("caption serve: \(Self.model)/int8-calibration.json: cannot read: missing"), "\(text)")
    }

    @Test func aPrecisionThisCPULacksWarnsAndServesFloat32() async throws {
        guard let lacking = EncoderPrecision.allCases.first(where: { !$0.isSupported }) else { return }
        let server = try ServeProcess(["--model", Self.model, "--threads", "1", "--precision", lacking.rawValue])
        let described = try await RawHTTPConnection.request(port: server.port, path: "/v1/model")
        let (status, output) = server.stop()
        #expect(status == 0)
        #expect(output.contains("fp32 encoder"), "\(output)")
        #expect(server.errorText == "caption serve: warning: \(lacking.fallback ?? "")\n")
        #expect((described.json["encoder"] as? [String: Any])?["precision"] as? String == "fp32", "\(described.text)")
    }
}
