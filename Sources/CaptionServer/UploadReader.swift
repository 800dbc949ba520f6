import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Reads the image of `POST /v1/captions` from the request: checks the content type,
/// refuses a declared length over the limit before reading anything, collects the body
/// under the size limit and the read deadline, takes the `image` field out of a multipart
/// body, and checks the bytes are JPEG or PNG.
struct UploadReader {
    /// An uploaded image.
    struct Upload: Sendable {
        /// The file's bytes.
        var data: Data
        /// The name errors and the answer use: the multipart file name, else `upload`.
        var name: String
    }

    /// The media types accepted as a raw body.
    static let imageTypes: Set<String> = ["image/jpeg", "image/jpg", "image/pjpeg", "image/png"]

    /// The largest body accepted, in bytes.
    let maxBodyBytes: Int
    /// How long the whole body may take to arrive.
    let readTimeout: Duration

    /// The upload in `request`.
    /// - Throws: `APIError` 400, 408, 413, 415 or 422.
    func read(_ request: Request) async throws -> Upload {
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let boundary: String?
        if UploadReader.imageTypes.contains(mediaType) {
            boundary = nil
        } else if mediaType == "multipart/form-data" {
            guard let found = MultipartForm.boundary(contentType: contentType) else {
                throw APIError.badRequest("the multipart/form-data content type has no boundary")
            }
            boundary = found
        } else {
            throw APIError.unsupportedMediaType(
                "send the image as image/jpeg or image/png, or as the field 'image' of multipart/form-data; got "
                    + (mediaType.isEmpty ? "no Content-Type" : "'\(mediaType)'"))
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw APIError.bodyTooLarge(limit: maxBodyBytes)
        }
        let body = try await collect(request.body)
        var upload = Upload(data: body, name: "upload")
        if let boundary {
            guard let part = try MultipartForm.part(named: "image", in: body, boundary: boundary) else {
                throw APIError.badRequest("the multipart body has no field named 'image'")
            }
            upload = Upload(data: part.data, name: part.fileName.flatMap { $0.isEmpty ? nil : $0 } ?? "upload")
        }
        try UploadReader.checkSignature(upload)
        return upload
    }

    /// The whole body, refused past `maxBodyBytes` (as soon as that many bytes have come)
    /// or when it has not all come after `readTimeout`.
    private func collect(_ body: RequestBody) async throws -> Data {
        let limit = maxBodyBytes
        let timeout = readTimeout
        return try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask {
                var data = Data()
                do {
                    for try await buffer in body {
                        guard data.count + buffer.readableBytes <= limit else { throw APIError.bodyTooLarge(limit: limit) }
                        buffer.withUnsafeReadableBytes { data.append(contentsOf: $0) }
                    }
                } catch let error as APIError {
                    throw error
                } catch {
                    // The client went away or broke the framing mid-body.
                    throw APIError.badRequest("the request body ended before it was complete")
                }
                return data
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let data = first else {
                throw APIError.readTimeout(seconds: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
            }
            return data
        }
    }

    /// Refuses bytes that are not a JPEG or PNG file (415); an empty upload passes on to the
    /// decoder, which answers that it is empty (422).
    static func checkSignature(_ upload: Upload) throws {
        let data = upload.data
        guard !data.isEmpty else { return }
        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.starts(with: jpeg) || data.starts(with: png) else {
            let head = data.prefix(8).map { String(format: "%02X", $0) }.joined(separator: " ")
            throw APIError.unsupportedMediaType("\(upload.name): not a JPEG or PNG image (it starts with bytes \(head))")
        }
    }
}
