import Foundation
import Testing

/// The `caption serve` executable: it answers what `caption --json` prints, and SIGTERM lets
/// the request in flight finish before it exits 0.
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
}
