import CaptionKit
import Foundation
import Testing
@testable import CaptionServer

/// Each bad upload gets its status and message, and the server goes on serving.
@Suite struct BadInputTests {
    static let png = Result { try ServerFixtures.bytes(ServerFixtures.scenePNG) }

    /// A PNG signature, an IHDR chunk declaring `width` x `height` and an empty IDAT chunk.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
        for value in [width, height] { withUnsafeBytes(of: value.bigEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: [8, 2, 0, 0, 0])  // 8-bit RGB
        withUnsafeBytes(of: crc32(data.dropFirst(12)).bigEndian) { data.append(contentsOf: $0) }
        // An empty IDAT chunk: the header is read in full, then the size is refused.
        data.append(contentsOf: [0, 0, 0, 0, 0x49, 0x44, 0x41, 0x54])
        withUnsafeBytes(of: crc32(Data([0x49, 0x44, 0x41, 0x54])).bigEndian) { data.append(contentsOf: $0) }
        return data
    }

    /// PNG's chunk CRC (CRC-32, reflected, polynomial 0xEDB88320).
    static func crc32(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// Posts `body` as `contentType` and returns the answer.
    static func post(_ port: Int, _ body: Data, contentType: String, path: String = "/v1/captions") async throws -> HTTPAnswer {
        try await RawHTTPConnection.request(port: port, method: "POST", path: path, headers: [("Content-Type", contentType)], body: body)
    }

    /// Checks that the server still captions a good image.
    static func expectStillServing(_ port: Int) async throws {
        let answer = try await post(port, try png.get(), contentType: "image/png")
        #expect(answer.status == 200, "after a bad request: \(answer.text)")
    }

    @Test func eachBadUploadGetsItsStatusAndCode() async throws {
        let png = try Self.png.get()
        let text = Data("this is a text file, not an image\n".utf8)
        let cases: [(String, Data, String, String, Int, String)] = [
            ("truncated PNG", png.prefix(png.count / 2), "image/png", "/v1/captions", 422, "invalid_image"),
            ("zero bytes", Data(), "image/png", "/v1/captions", 422, "invalid_image"),
            ("text sent as image/png", text, "image/png", "/v1/captions", 415, "unsupported_media_type"),
            ("text/plain", text, "text/plain", "/v1/captions", 415, "unsupported_media_type"),
            ("no image field", Data("--b\r\nContent-Disposition: form-data; name=\"photo\"\r\n\r\nx\r\n--b--\r\n".utf8),
             "multipart/form-data; boundary=b", "/v1/captions", 400, "bad_request"),
            ("100000 x 100000 PNG", Self.pngHeader(width: 100_000, height: 100_000), "image/png", "/v1/captions", 422, "invalid_image"),
            ("unknown option", png, "image/png", "/v1/captions?beam=3", 400, "bad_option"),
            ("beam size 0", png, "image/png", "/v1/captions?beam_size=0", 400, "bad_option"),
            ("n-best over beam", png, "image/png", "/v1/captions?beam_size=2&n_best=3", 400, "bad_option"),
            ("bad penalty", png, "image/png", "/v1/captions?length_penalty=wu:x", 400, "bad_option"),
        ]
        try await LiveServer.with { port, _ in
            for (name, body, contentType, path, status, code) in cases {
                let answer = try await Self.post(port, body, contentType: contentType, path: path)
                #expect(answer.status == status, "\(name): \(answer.text)")
                #expect(answer.errorCode == code, "\(name): \(answer.text)")
                #expect(answer.errorMessage?.isEmpty == false, "\(name)")
                #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true, "\(name)")
            }
            let huge = try await Self.post(port, Self.pngHeader(width: 100_000, height: 100_000), contentType: "image/png")
            #expect(huge.errorMessage?.contains("100000 x 100000") == true, "\(huge.text)")
            try await Self.expectStillServing(port)
        }
    }

    /// Posts a body of `declared` bytes (chunked when nil) on a keep-alive connection,
    /// sending until the server stops it; returns the answer and the body bytes sent.
    static func postOverLimit(_ port: Int, declared: Int?, total: Int) async throws -> (HTTPAnswer?, sent: Int, closed: Bool) {
        try await RawHTTPConnection.offloaded {
            let connection = try RawHTTPConnection(port: port, timeout: 30)
            let framing = declared == nil ? [("Transfer-Encoding", "chunked")] : []
            connection.sendHead(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png")] + framing,
                                contentLength: declared, keepAlive: true)
            let sent = connection.sendBody(upTo: total, chunked: declared == nil)
            let answer = connection.readAnswer()
            return (answer, sent, connection.isClosedByServer())
        }
    }

    /// A body far over the limit, declared or chunked: answered 413 with `Connection: close`
    /// and the connection closed long before the client could send it all (a server that
    /// read on would take all 512 MB), then the server goes on serving.
    @Test(arguments: [true, false])
    func bodyOverTheLimitIsRefusedWithoutReadingItAll(declared: Bool) async throws {
        let configuration = ServerConfiguration(workers: 1, maxBodyBytes: 100_000)
        let total = 512 << 20
        try await LiveServer.with(configuration) { port, _ in
            let (answer, sent, closed) = try await Self.postOverLimit(port, declared: declared ? total : nil, total: total)
            #expect(answer?.status == 413, "\(answer?.text ?? "no answer")")
            #expect(answer?.errorCode == "body_too_large")
            #expect(answer?.headers["connection"] == "close")
            #expect(closed, "the connection stays open after the 413")
            #expect(sent < total / 4, "the client sent \(sent) of \(total) bytes")
            try await Self.expectStillServing(port)
        }
    }

    /// A client that sends its head and then nothing, or stops partway through its body, is
    /// answered 408 once the read timeout has passed, and its connection is closed.
    @Test(arguments: [0, 100])
    func slowClientGets408AfterTheReadTimeout(bodyBytesSent: Int) async throws {
        let configuration = ServerConfiguration(workers: 1, readTimeoutSeconds: 1)
        try await LiveServer.with(configuration) { port, _ in
            let (answer, closed) = try await RawHTTPConnection.offloaded { () -> (HTTPAnswer?, Bool) in
                let connection = try RawHTTPConnection(port: port, timeout: 30)
                connection.sendHead(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png")],
                                    contentLength: 10_000, keepAlive: true)
                connection.send(Data(repeating: 0x89, count: bodyBytesSent))
                let answer = connection.readAnswer()  // then sends nothing more
                return (answer, connection.isClosedByServer())
            }
            #expect(answer?.status == 408, "\(answer?.text ?? "no answer")")
            #expect(answer?.errorCode == "read_timeout")
            #expect(answer?.headers["connection"] == "close")
            #expect(closed, "the connection stays open after the 408")
            try await Self.expectStillServing(port)
        }
    }

    @Test func clientDisconnectingMidUploadLeavesTheServerServing() async throws {
        try await LiveServer.with { port, _ in
            for _ in 0..<3 {
                try await RawHTTPConnection.offloaded {
                    let connection = try RawHTTPConnection(port: port, timeout: 5)
                    connection.sendHead(method: "POST", path: "/v1/captions", headers: [("Content-Type", "image/png")], contentLength: 200_000)
                    connection.send(Data(repeating: 0x89, count: 5_000))
                    connection.abort()
                }
            }
            try await Self.expectStillServing(port)
            let health = try await RawHTTPConnection.request(port: port, path: "/healthz")
            #expect(health.status == 200)
        }
    }
}
