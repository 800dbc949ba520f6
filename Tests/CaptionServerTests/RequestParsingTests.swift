import CaptionKit
import Foundation
import Testing
@testable import CaptionServer

/// Query options and multipart bodies, parsed without a server.
@Suite struct RequestParsingTests {
    @Test func optionsAreParsedAndCheckedInFull() throws {
        let options = try CaptionRequestOptions(parameters: [("beam_size", "5"), ("n_best", "3"), ("max_length", "20"),
                                                             ("length_penalty", "wu:0.5"), ("attention", "true")])
        #expect(options.decoding == DecodingOptions(beamSize: 5, maxLength: 20, lengthPenalty: .wu(alpha: 0.5), nBest: 3))
        #expect(options.attention)
        #expect(try CaptionRequestOptions(parameters: []) == CaptionRequestOptions(parameters: [("attention", "false")]))
        for bad in [[("beam_size", "x")], [("beam_size", "21")], [("max_length", "-1")], [("attention", "yes")],
                    [("length_penalty", "wu:-1")], [("colour", "red")], [("beam_size", "2"), ("beam_size", "3")]] {
            #expect(throws: APIError.self, "\(bad)") { try CaptionRequestOptions(parameters: bad) }
        }
    }

    @Test func multipartFindsTheNamedPartAndItsFileName() throws {
        let body = Data("preamble\r\n--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xyz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"cat.jpg\"\r\nContent-Type: image/jpeg\r\n\r\nJPEG\r\nBYTES\r\n--xyz--\r\n".utf8)
        let part = try #require(try MultipartForm.part(named: "image", in: body, boundary: "xyz"))
        #expect(String(decoding: part.data, as: UTF8.self) == "JPEG\r\nBYTES")
        #expect(part.fileName == "cat.jpg")
        #expect(try MultipartForm.part(named: "missing", in: body, boundary: "xyz") == nil)
        #expect(throws: APIError.self) { try MultipartForm.part(named: "image", in: Data("no boundary here".utf8), boundary: "xyz") }
        #expect(throws: APIError.self) { try MultipartForm.part(named: "image", in: Data("--xyz\r\nunterminated".utf8), boundary: "xyz") }
        #expect(MultipartForm.boundary(contentType: "multipart/form-data; boundary=\"q r\"") == "q r")
        #expect(MultipartForm.boundary(contentType: "multipart/form-data") == nil)
    }

    @Test func errorBodyIsTheDocumentedJSON() throws {
        let error = APIError.badOption("option 'x' is \"odd\"")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(error.jsonBody.utf8)) as? [String: [String: String]])
        #expect(object == ["error": ["code": "bad_option", "message": "option 'x' is \"odd\""]])
    }

    @Test func tokenComparison() {
        #expect(BearerTokenMiddleware.equalInConstantTime(Array("abc".utf8), Array("abc".utf8)))
        #expect(!BearerTokenMiddleware.equalInConstantTime(Array("abc".utf8), Array("abd".utf8)))
        #expect(!BearerTokenMiddleware.equalInConstantTime(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!BearerTokenMiddleware.equalInConstantTime([], Array("a".utf8)))
    }
}
