import CaptionKit
import Foundation
import Testing
@testable import CaptionServer

/// `POST /v1/captions` on good uploads, `GET /v1/model`, `GET /healthz`, the page and 404.
@Suite struct CaptionEndpointTests {
    /// The caption the library gives for the fixture, with the server's default options.
    static func expectedCaption(_ url: URL) throws -> Caption {
        let captioner = try ServerFixtures.captioner.get()
        return try captioner.caption(captioner.imageDecoder.decode(fileAt: url.path))
    }

    @Test func rawPNGIsCaptionedAsTheLibraryCaptionsIt() async throws {
        let expected = try Self.expectedCaption(ServerFixtures.scenePNG)
        let answer = try await LiveServer.with { port, _ in
            try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions",
                                                headers: [("Content-Type", "image/png")], body: ServerFixtures.bytes(ServerFixtures.scenePNG))
        }
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(answer.json["caption"] as? String == expected.text)
        #expect(answer.json["tokens"] as? [String] == expected.tokens)
        let score = try #require(answer.json["score"] as? Double)
        #expect(abs(score - Double(expected.score)) < 1e-5)
        #expect(answer.json["image"] as? String == "upload")
        #expect(answer.json["attention"] == nil)
        let timings = try #require(answer.json["timings_ms"] as? [String: Double])
        #expect(Set(timings.keys) == ["upload", "queue", "decode", "caption", "total"])
        #expect(timings["total"]! >= timings["caption"]!)
    }

    @Test func jpegIsCaptioned() async throws {
        let expected = try Self.expectedCaption(ServerFixtures.photoJPEG)
        let answer = try await LiveServer.with { port, _ in
            try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions",
                                                headers: [("Content-Type", "image/jpeg")], body: ServerFixtures.bytes(ServerFixtures.photoJPEG))
        }
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["caption"] as? String == expected.text)
    }

    @Test func attentionHasOneMapPerWordOverTheGrid() async throws {
        let answer = try await LiveServer.with { port, _ in
            try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions?attention=true&beam_size=2&n_best=2",
                                                headers: [("Content-Type", "image/png")], body: ServerFixtures.bytes(ServerFixtures.scenePNG))
        }
        #expect(answer.status == 200, "\(answer.text)")
        let tokens = try #require(answer.json["tokens"] as? [String])
        let attention = try #require(answer.json["attention"] as? [String: Any])
        let height = try #require(attention["grid_height"] as? Int)
        let width = try #require(attention["grid_width"] as? Int)
        let maps = try #require(attention["maps"] as? [[Double]])
        #expect(height == 8 && width == 8)
        #expect(maps.count == tokens.count)
        for map in maps {
            #expect(map.count == height * width)
            #expect(abs(map.reduce(0, +) - 1) < 1e-3)
        }
        // `n_best` as `caption --json --n-best 2` writes it: both captions, the best first.
        let nBest = try #require(answer.json["n_best"] as? [[String: Any]])
        #expect(nBest.count == 2)
        #expect(nBest.first?["caption"] as? String == answer.json["caption"] as? String)
        #expect(nBest.allSatisfy { $0["tokens"] is [String] && $0["score"] is Double })
    }

    @Test func multipartFieldImageIsCaptionedWithItsFileName() async throws {
        let expected = try Self.expectedCaption(ServerFixtures.scenePNG)
        let boundary = "----captionkit-test-boundary"
        var multipart = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n".utf8)
        multipart += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"scene.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        multipart += try ServerFixtures.bytes(ServerFixtures.scenePNG)
        multipart += Data("\r\n--\(boundary)--\r\n".utf8)
        let body = multipart
        let answer = try await LiveServer.with { port, _ in
            try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions",
                                                headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
        }
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.json["caption"] as? String == expected.text)
        #expect(answer.json["image"] as? String == "scene.png")
    }

    @Test func modelHealthPageAndUnknownPath() async throws {
        let vocabularySize = try ServerFixtures.captioner.get().bundle.vocabulary.count
        try await LiveServer.with { port, _ in
            let model = try await RawHTTPConnection.request(port: port, path: "/v1/model")
            #expect(model.status == 200)
            #expect(model.json["vocabulary_size"] as? Int == vocabularySize)
            #expect((model.json["location"] as? String)?.hasSuffix("weights/scenes") == true)
            #expect((model.json["encoder"] as? [String: Any])?["input_size"] as? Int == 128)
            #expect((model.json["encoder"] as? [String: Any])?["precision"] as? String == "fp32")
            let health = try await RawHTTPConnection.request(port: port, path: "/healthz")
            #expect(health.status == 200 && health.json["status"] as? String == "ok")
            let page = try await RawHTTPConnection.request(port: port, path: "/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("id=\"file\""))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")
            let missing = try await RawHTTPConnection.request(port: port, path: "/v2/nothing")
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            let wrongMethod = try await RawHTTPConnection.request(port: port, path: "/v1/captions")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.errorCode != nil)
        }
    }

    @Test func tokenIsRequiredOnV1Only() async throws {
        let configuration = ServerConfiguration(workers: 1, token: "s3cret")
        try await LiveServer.with(configuration) { port, _ in
            let png = try ServerFixtures.bytes(ServerFixtures.scenePNG)
            let missing = try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions",
                                                              headers: [("Content-Type", "image/png")], body: png)
            #expect(missing.status == 401)
            #expect(missing.errorCode == "unauthorized")
            let wrong = try await RawHTTPConnection.request(port: port, path: "/v1/model", headers: [("Authorization", "Bearer s3cres")])
            #expect(wrong.status == 401)
            let longer = try await RawHTTPConnection.request(port: port, path: "/v1/model", headers: [("Authorization", "Bearer s3cret2")])
            #expect(longer.status == 401)
            let right = try await RawHTTPConnection.request(port: port, method: "POST", path: "/v1/captions",
                                                            headers: [("Content-Type", "image/png"), ("Authorization", "Bearer s3cret")], body: png)
            #expect(right.status == 200, "\(right.text)")
            let health = try await RawHTTPConnection.request(port: port, path: "/healthz")
            #expect(health.status == 200)
        }
    }
}
