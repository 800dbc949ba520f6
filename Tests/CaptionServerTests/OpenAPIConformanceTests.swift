import Foundation
import Testing
@testable import CaptionServer

/// The server is what docs/openapi.yaml says: every documented operation answers every
/// status documented for it, with the documented fields; nothing undocumented is answered.
@Suite struct OpenAPIConformanceTests {
    static let token = "conformance"
    static let authorization = ("Authorization", "Bearer \(token)")
    /// A server with a token, one worker, no waiting room, and small limits, so that each
    /// documented status can be provoked.
    static let configuration = ServerConfiguration(workers: 1, maxBodyBytes: 1_000_000, queueCapacity: 0,
                                                   token: token, readTimeoutSeconds: 1)

    /// One request that provokes a documented answer.
    struct Scenario: Sendable {
        var method = "GET"
        var path: String
        var headers: [(String, String)] = []
        var body: Data? = nil
    }

    /// A request for each documented "METHOD PATH STATUS" (except 408 and 503, which need a
    /// client or a queue that misbehaves; `provoke` sends those).
    static func scenarios() throws -> [String: Scenario] {
        let png = try ServerFixtures.bytes(ServerFixtures.scenePNG)
        let image = [("Content-Type", "image/png"), authorization]
        return [
            "GET / 200": Scenario(path: "/"),
            "GET /healthz 200": Scenario(path: "/healthz"),
            "GET /metrics 200": Scenario(path: "/metrics"),
            "GET /v1/model 200": Scenario(path: "/v1/model", headers: [authorization]),
            "GET /v1/model 401": Scenario(path: "/v1/model"),
            "POST /v1/captions 200": Scenario(method: "POST", path: "/v1/captions?n_best=2&attention=true", headers: image, body: png),
            "POST /v1/captions 400": Scenario(method: "POST", path: "/v1/captions?beam=2", headers: image, body: png),
            "POST /v1/captions 401": Scenario(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png")], body: png),
            "POST /v1/captions 413": Scenario(method: "POST", path: "/v1/captions", headers: image, body: Data(count: 1_000_001)),
            "POST /v1/captions 415": Scenario(method: "POST", path: "/v1/captions",
                                              headers: [("Content-Type", "text/plain"), authorization], body: Data("text".utf8)),
            "POST /v1/captions 422": Scenario(method: "POST", path: "/v1/captions", headers: image, body: png.prefix(100)),
        ]
    }

    /// The answer to the documented operation `key` on the server at `port`.
    static func provoke(_ key: String, port: Int, service: CaptionService) async throws -> HTTPAnswer? {
        switch key {
        case "POST /v1/captions 408":
            return try await RawHTTPConnection.offloaded {
                let connection = try RawHTTPConnection(port: port, timeout: 30)
                connection.sendHead(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png"), authorization],
                                    contentLength: 1000)
                return connection.readAnswer()
            }
        case "POST /v1/captions 503":
            // The only worker is held by a job, and no request may wait.
            let started = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let held = Task { try await service.queue.submit { started.signal(); release.wait() } }
            try await RawHTTPConnection.offloaded { started.wait() }
            let answer: HTTPAnswer
            do {
                answer = try await send(try #require(try scenarios()["POST /v1/captions 200"]), port: port)
            } catch {
                release.signal()
                throw error
            }
            release.signal()
            _ = await held.result
            return answer
        default:
            return try await send(try #require(try scenarios()[key], "no scenario for \(key)"), port: port)
        }
    }

    static func send(_ scenario: Scenario, port: Int) async throws -> HTTPAnswer {
        try await RawHTTPConnection.request(port: port, method: scenario.method, path: scenario.path,
                                            headers: scenario.headers, body: scenario.body)
    }

    @Test func everyDocumentedStatusIsAnsweredAsDocumented() async throws {
        let spec = try OpenAPIOutline()
        let documented = spec.operations
        let provokable = Set(try Self.scenarios().keys).union(["POST /v1/captions 408", "POST /v1/captions 503"])
        #expect(documented == provokable,
                "documented but not tried: \(documented.subtracting(provokable)); tried but not documented: \(provokable.subtracting(documented))")
        let errorFields = spec.required(after: "        error:")
        #expect(errorFields == ["code", "message"])
        try await LiveServer.with(Self.configuration) { port, service in
            for key in documented.sorted() {
                let status = Int(key.split(separator: " ").last!)!
                let answer = try await Self.provoke(key, port: port, service: service)
                #expect(answer?.status == status, "\(key): \(answer?.text ?? "no answer")")
                guard let answer, status >= 400 else { continue }
                #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true, "\(key)")
                let error = answer.json["error"] as? [String: Any] ?? [:]
                #expect(errorFields.allSatisfy { (error[$0] as? String)?.isEmpty == false }, "\(key): \(answer.text)")
                if status == 503 { #expect(answer.headers["retry-after"] != nil, "\(key)") }
                if status == 408 || status == 413 { #expect(answer.headers["connection"] == "close", "\(key)") }
            }
        }
    }

    @Test func answersHoldTheDocumentedFields() async throws {
        let spec = try OpenAPIOutline()
        let scenarios = try Self.scenarios()
        try await LiveServer.with(Self.configuration) { port, _ in
            let model = try await Self.send(try #require(scenarios["GET /v1/model 200"]), port: port).json
            for field in spec.required(after: "    Model:") { #expect(model[field] != nil, "/v1/model lacks \(field)") }
            let server = model["server"] as? [String: Any] ?? [:]
            for field in spec.required(after: "        server:") { #expect(server[field] as? Int != nil, "server lacks \(field)") }
            #expect(server["max_body_bytes"] as? Int == Self.configuration.maxBodyBytes)

            let answer = try await Self.send(try #require(scenarios["POST /v1/captions 200"]), port: port).json
            let captionFields = spec.required(after: "    Caption:")
            #expect(captionFields == ["caption", "tokens", "score"])
            for field in captionFields + spec.required(after: "    CaptionAnswer:") {
                #expect(answer[field] != nil, "the answer lacks \(field)")
            }
            let timings = answer["timings_ms"] as? [String: Any] ?? [:]
            #expect(Set(timings.keys) == Set(spec.required(after: "            timings_ms:")))
            let attention = answer["attention"] as? [String: Any] ?? [:]
            #expect(Set(attention.keys) == Set(spec.required(after: "            attention:")))
            #expect(spec.lines.contains("            n_best:"))
            let nBest = answer["n_best"] as? [[String: Any]] ?? []
            #expect(nBest.count == 2)
            for entry in nBest { #expect(captionFields.allSatisfy { entry[$0] != nil }, "\(entry)") }

            let health = try await Self.send(try #require(scenarios["GET /healthz 200"]), port: port).json
            #expect(Set(health.keys) == Set(spec.required(after: "  /healthz:")))
        }
    }

    @Test func undocumentedPathsAndMethodsAreRefusedAsDocumented() async throws {
        let spec = try OpenAPIOutline()
        #expect(spec.lines.contains("    NotFound:") && spec.lines.contains("    MethodNotAllowed:"))
        let routes = Set(spec.operations.map { $0.split(separator: " ").dropLast().joined(separator: " ") })
        try await LiveServer.with(Self.configuration) { port, _ in
            let missing = try await RawHTTPConnection.request(port: port, path: "/v2/nothing")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            for route in routes.sorted() {
                let parts = route.split(separator: " ").map(String.init)
                for method in ServiceRoutes.refusedMethods.map(\.rawValue) where method != parts[0] {
                    let answer = try await RawHTTPConnection.request(port: port, method: method, path: parts[1],
                                                                     headers: [Self.authorization])
                    #expect(answer.status == 405, "\(method) \(parts[1]): \(answer.text)")
                    #expect(answer.errorCode == "method_not_allowed")
                    #expect(answer.headers["allow"] == parts[0], "\(method) \(parts[1])")
                }
            }
        }
    }
}
