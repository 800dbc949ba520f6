import CaptionKit
import Foundation
import HTTPTypes
import Hummingbird

/// The routes of `CaptionService` (docs/openapi.yaml describes each).
struct ServiceRoutes {
    /// The service the routes answer for.
    let service: CaptionService

    /// Adds every route to `router`.
    func add(to router: Router<BasicRequestContext>) {
        let service = self.service
        ServiceRoutes.route(router, "/", .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
        ServiceRoutes.route(router, "/healthz", .get) { _, _ in
            ServiceRoutes.json("{\"status\": \"ok\"}")
        }
        ServiceRoutes.route(router, "/metrics", .get) { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: service.metrics.text())))
        }
        let v1 = router.group("v1")
        if let token = service.configuration.token {
            v1.add(middleware: BearerTokenMiddleware(token: token))
        }
        ServiceRoutes.route(v1, "model", .get) { _, _ in
            ServiceRoutes.json(ModelDescription(bundle: service.captioner.bundle, configuration: service.configuration).json)
        }
        ServiceRoutes.route(v1, "captions", .post) { request, _ in
            let clock = ContinuousClock()
            let started = clock.now
            do {
                let options = try CaptionRequestOptions(parameters: request.uri.queryParameters.map { (String($0.key), String($0.value)) })
                let reader = UploadReader(maxBodyBytes: service.configuration.maxBodyBytes,
                                          readTimeout: .milliseconds(Int64(service.configuration.readTimeoutSeconds * 1000)))
                let upload = try await reader.read(request)
                let body = try await service.caption(upload, options: options, started: started, uploadTime: clock.now - started)
                service.metrics.recordCaptionLatency(clock.now - started)
                return ServiceRoutes.json(body)
            } catch {
                service.metrics.recordCaptionLatency(clock.now - started)
                throw error
            }
        }
    }

    /// The methods a route path is answered 405 for when it does not take them.
    static let refusedMethods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .patch]

    /// Adds `handler` for `method` on `path`, and a 405 answer naming `method` in `Allow`
    /// for the other methods of `refusedMethods` on the same path.
    private static func route(_ routes: some RouterMethods<BasicRequestContext>, _ path: RouterPath, _ method: HTTPRequest.Method,
                              handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
        routes.on(path, method: method, use: handler)
        for other in refusedMethods where other != method {
            routes.on(path, method: other) { request, _ -> Response in
                throw APIError.methodNotAllowed(path: request.uri.path, allowed: method)
            }
        }
    }

    /// A 200 answer with a JSON body.
    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }
}
