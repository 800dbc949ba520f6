import HTTPTypes
import Hummingbird

/// Refuses (401) a request whose `Authorization` header is not `Bearer TOKEN`. The
/// comparison takes the same time wherever the first difference is.
struct BearerTokenMiddleware: RouterMiddleware {
    /// The token requests must carry.
    let token: String

    func handle(_ request: Request, context: BasicRequestContext,
                next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
              BearerTokenMiddleware.equalInConstantTime(Array(header.utf8.dropFirst(7)), Array(token.utf8)) else {
            throw APIError.unauthorized
        }
        return try await next(request, context)
    }

    /// Whether `a` and `b` are equal, without an early exit on the first difference.
    static func equalInConstantTime(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
