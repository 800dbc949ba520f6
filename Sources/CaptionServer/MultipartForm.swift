import Foundation

/// The one field `POST /v1/captions` reads from a `multipart/form-data` body (RFC 7578):
/// finds the part named `image` and returns its bytes and file name. Only what the endpoint
/// needs: no nested multipart, no transfer encodings other than binary.
struct MultipartForm {
    /// A part's content.
    struct Part {
        /// The part's bytes.
        var data: Data
        /// Its `filename` parameter, if any.
        var fileName: String?
    }

    /// The boundary from a `multipart/form-data; boundary=...` content type, or nil.
    static func boundary(contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("boundary=") else { continue }
            var value = pair.dropFirst("boundary=".count)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = value.dropFirst().dropLast()
            }
            return value.isEmpty ? nil : String(value)
        }
        return nil
    }

    /// The part named `name` in `body`, or nil when there is none.
    /// - Throws: `APIError` 400 when the body is not well-formed multipart.
    static func part(named name: String, in body: Data, boundary: String) throws -> Part? {
        let delimiter = Data("--\(boundary)".utf8)
        let malformed = APIError.badRequest("the multipart body is malformed (boundary '\(boundary)')")
        guard var cursor = body.range(of: delimiter)?.upperBound else { throw malformed }
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { return nil }
            guard body[cursor...].starts(with: Data("\r\n".utf8)) else { throw malformed }
            let headersStart = cursor + 2
            guard let headersEnd = body.range(of: Data("\r\n\r\n".utf8), in: headersStart..<body.endIndex) else { throw malformed }
            let headers = String(decoding: body[headersStart..<headersEnd.lowerBound], as: UTF8.self)
            let contentStart = headersEnd.upperBound
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: contentStart..<body.endIndex) else { throw malformed }
            let disposition = contentDisposition(in: headers)
            if disposition["name"] == name {
                return Part(data: body.subdata(in: contentStart..<next.lowerBound), fileName: disposition["filename"])
            }
            cursor = next.upperBound
        }
    }

    /// The parameters of the part's `Content-Disposition: form-data; name="..."; filename="..."`.
    private static func contentDisposition(in headers: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in headers.components(separatedBy: "\r\n") {
            let pieces = line.split(separator: ":", maxSplits: 1)
            guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
            for parameter in pieces[1].split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                var value = pair[1].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                    value = String(value.dropFirst().dropLast())
                }
                result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = value
            }
        }
        return result
    }
}
