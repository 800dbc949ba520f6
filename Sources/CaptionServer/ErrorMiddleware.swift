import CaptionKit
import HTTPTypes
import Hummingbird
import NIOCore

/// Outermost middleware: counts every answer by status in the metrics, and turns every
/// error into the API's JSON error (Hummingbird's own 404 and body-limit errors
/// included; anything unexpected becomes a 500 that names no internals).
struct ErrorMiddleware: RouterMiddleware {
    /// The metrics answers are counted in.
    let metrics: ServerMetrics

    func handle(_ request: Request, context: BasicRequestContext,
                next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.recordRequest(status: response.status.code)
            return response
        } catch {
            let apiError = ErrorMiddleware.apiError(for: error, path: request.uri.path)
            metrics.recordRequest(status: apiError.status.code)
            if apiError.status == .internalServerError {
                context.logger.error("internal error answering \(request.method) \(request.uri.path): \(error)")
            }
            throw apiError
        }
    }

    /// The API error that stands for `error`.
    static func apiError(for error: any Error, path: String) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(status: .contentTooLarge, code: "body_too_large", message: "the request body is too large")
        case let error as HTTPError where error.status == .notFound:
            return APIError.notFound(path)
        case let error as HTTPError:
            return APIError(status: error.status, code: "http_error", message: error.body ?? error.status.reasonPhrase)
        default:
            return APIError(status: .internalServerError, code: "internal_error", message: "the server failed to answer; see its log")
        }
    }
}
