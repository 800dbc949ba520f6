import Foundation
import HTTPTypes
import Hummingbird

/// An error the API answers with: the HTTP status, a stable machine-readable `code`, and a
/// message a person can act on, sent as `{"error": {"code": ..., "message": ...}}`.
public struct APIError: Error, HTTPResponseError, Sendable, Equatable {
    /// The HTTP status of the answer.
    public let status: HTTPResponse.Status
    /// A short stable identifier, such as `bad_option` or `queue_full`.
    public let code: String
    /// One sentence about what went wrong and what to do.
    public let message: String
    /// Seconds after which a retry may succeed (sent as `Retry-After`), for 503.
    public let retryAfterSeconds: Int?
    /// The method the path takes (sent as `Allow`), for 405.
    public let allowedMethod: HTTPRequest.Method?

    /// An error with its status, code and message.
    public init(status: HTTPResponse.Status, code: String, message: String, retryAfterSeconds: Int? = nil,
                allowedMethod: HTTPRequest.Method? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.allowedMethod = allowedMethod
    }

    /// The JSON body: `{"error": {"code": CODE, "message": MESSAGE}}`.
    public var jsonBody: String {
        "{\"error\": {\"code\": \(JSONText.string(code)), \"message\": \(JSONText.string(message))}}"
    }

    /// The response Hummingbird sends for this error.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfterSeconds {
            headers[.retryAfter] = String(retryAfterSeconds)
        }
        if let allowedMethod {
            headers[.allow] = allowedMethod.rawValue
        }
        if status == .contentTooLarge || status == .requestTimeout {
            // The rest of the body is not read: the connection cannot carry another request.
            headers[.connection] = "close"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: jsonBody + "\n")))
    }
}

extension APIError {
    /// 400: a query parameter that is unknown or out of range.
    static func badOption(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_option", message: message)
    }

    /// 400: a request that is malformed in another way (a multipart body without `image`).
    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }

    /// 401: no bearer token, or the wrong one.
    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "this server needs the header 'Authorization: Bearer TOKEN' with its token")

    /// 404: no such path.
    static func notFound(_ path: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: "no such path: \(path)")
    }

    /// 405: a path asked with a method it does not take.
    static func methodNotAllowed(path: String, allowed: HTTPRequest.Method) -> APIError {
        APIError(status: .methodNotAllowed, code: "method_not_allowed",
                 message: "\(path) takes \(allowed.rawValue) only", allowedMethod: allowed)
    }

    /// 408: the body did not arrive in time.
    static func readTimeout(seconds: Double) -> APIError {
        APIError(status: .requestTimeout, code: "read_timeout",
                 message: "the request body did not arrive within \(JSONText.seconds(seconds)) s")
    }

    /// 413: a body larger than the limit.
    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, code: "body_too_large",
                 message: "the request body is larger than the limit of \(limit) bytes")
    }

    /// 415: not a JPEG or PNG upload.
    static func unsupportedMediaType(_ message: String) -> APIError {
        APIError(status: .unsupportedMediaType, code: "unsupported_media_type", message: message)
    }

    /// 422: an image that does not decode or is too large.
    static func unprocessableImage(_ message: String) -> APIError {
        APIError(status: .unprocessableContent, code: "invalid_image", message: message)
    }

    /// 503: the captioning queue is full.
    static func queueFull(capacity: Int) -> APIError {
        APIError(status: .serviceUnavailable, code: "queue_full",
                 message: "the server is busy (\(capacity) images already waiting); retry shortly",
                 retryAfterSeconds: 1)
    }

    /// 503: the server is shutting down.
    static let shuttingDown = APIError(status: .serviceUnavailable, code: "shutting_down",
                                       message: "the server is shutting down", retryAfterSeconds: 5)
}
