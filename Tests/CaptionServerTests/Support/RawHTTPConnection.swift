import Foundation

/// An HTTP answer as read off the wire.
struct HTTPAnswer {
    /// The status code.
    let status: Int
    /// Header fields, names lower-cased.
    let headers: [String: String]
    /// The body bytes.
    let body: Data

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
    }

    /// `error.code` of a JSON error answer.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    /// `error.message` of a JSON error answer.
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

/// A plain TCP connection to a server on 127.0.0.1, written byte by byte as a client that
/// misbehaves would (part of a body, then nothing; a disconnect mid-upload). Every call
/// blocks, so tests run them through `RawHTTPConnection.offloaded` on a thread of their own,
/// never on Swift's cooperative threads, which the server's handlers need.
final class RawHTTPConnection: @unchecked Sendable {
    /// The socket; -1 once closed by a failed connect (so that it is closed once only:
    /// the number may meanwhile belong to a socket of the server under test).
    private var descriptor: Int32

    /// Connects to `127.0.0.1:port`; reads and writes time out after `timeout` seconds.
    init(port: Int, timeout: Double = 120) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            descriptor = -1
            throw RawHTTPError("connect to port \(port): errno \(errno)")
        }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends `data`; false when the server has closed the connection.
    @discardableResult
    func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }

    /// Sends a request head (with `Content-Length` when `contentLength` is given, and
    /// `Connection: close` unless `keepAlive`).
    @discardableResult
    func sendHead(method: String, path: String, headers: [(String, String)], contentLength: Int?,
                  keepAlive: Bool = false) -> Bool {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (keepAlive ? "" : "Connection: close\r\n")
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let contentLength { head += "Content-Length: \(contentLength)\r\n" }
        return send(Data((head + "\r\n").utf8))
    }

    /// Sends up to `total` body bytes, 64 KiB at a time (each as one chunk when `chunked`),
    /// stopping early when the server closes the connection or stops reading for longer
    /// than the timeout; returns the body bytes sent.
    func sendBody(upTo total: Int, chunked: Bool) -> Int {
        let piece = Data(repeating: 0x41, count: 65_536)
        var sent = 0
        while sent < total {
            let data = chunked ? Data("10000\r\n".utf8) + piece + Data("\r\n".utf8) : piece
            guard send(data) else { break }
            sent += piece.count
        }
        return sent
    }

    /// Whether the server has closed the connection: a read finds its end (or a reset)
    /// rather than timing out.
    func isClosedByServer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, 0)
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Closes both directions at once (a client that goes away).
    func abort() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Reads until the server closes the connection (or the read times out) and parses the
    /// answer; nil when nothing came back.
    func readAnswer() -> HTTPAnswer? {
        var bytes = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if let answer = RawHTTPConnection.parse(bytes), answer.complete { return answer.answer }
        }
        return RawHTTPConnection.parse(bytes)?.answer
    }

    /// Parses a response with a `Content-Length` (or one that ends at the close).
    private static func parse(_ bytes: Data) -> (answer: HTTPAnswer, complete: Bool)? {
        guard let end = bytes.range(of: Data("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: bytes[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = bytes[end.upperBound...]
        let length = headers["content-length"].flatMap { Int($0) }
        let complete = length.map { body.count >= $0 } ?? false
        return (HTTPAnswer(status: status, headers: headers, body: Data(length.map { body.prefix($0) } ?? body)), complete)
    }

    /// One whole request: head, body, answer.
    static func request(port: Int, method: String = "GET", path: String, headers: [(String, String)] = [],
                        body: Data? = nil) async throws -> HTTPAnswer {
        try await offloaded {
            let connection = try RawHTTPConnection(port: port)
            connection.sendHead(method: method, path: path, headers: headers, contentLength: body?.count ?? (method == "POST" ? 0 : nil))
            if let body { connection.send(body) }
            guard let answer = connection.readAnswer() else { throw RawHTTPError("no answer to \(method) \(path)") }
            return answer
        }
    }

    /// Runs blocking `work` on a thread of its own.
    static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }
}

/// A failure of the test client itself.
struct RawHTTPError: Error, CustomStringConvertible {
    /// What failed.
    let description: String
    init(_ description: String) { self.description = description }
}
