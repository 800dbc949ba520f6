import Foundation

/// One-step calls for what an app holds: encoded image bytes, a list of files, or raw pixels
/// (see `RGBImage(width:height:layout:bytesPerRow:pixels:)`).
extension Captioner {
    /// The default name that stands for image bytes in errors.
    public static let imageDataName = "image data"

    /// The caption of an encoded image (JPEG or PNG bytes, for example a download or an
    /// asset); `name` stands for the bytes in errors.
    ///
    /// ```swift
    /// func caption(download: Data, with captioner: Captioner) throws -> String {
    ///     try captioner.caption(imageData: download, name: "upload.jpg").text
    /// }
    /// ```
    /// - Throws: `CaptionError.invalidImage` or `.imageTooLarge` for the bytes,
    ///   `.invalidOptions` for the options.
    public func caption(imageData: Data, name: String = Captioner.imageDataName,
                        options: DecodingOptions = DecodingOptions()) throws -> Caption {
        try options.validate()
        return try caption(imageDecoder.decode(imageData, name: name), options: options)
    }

    /// The captions of the image files at `paths`, in the same order, one `Result` each: a
    /// file that cannot be read or decoded fails alone. With N compute threads
    /// (`ComputeThreads.count`), N files are captioned side by side.
    ///
    /// ```swift
    /// func printCaptions(of paths: [String], with captioner: Captioner) throws {
    ///     for (path, result) in zip(paths, try captioner.captions(imagesAt: paths)) {
    ///         switch result {
    ///         case let .success(caption): print(path, caption.text)
    ///         case let .failure(error): print(error.localizedDescription)
    ///         }
    ///     }
    /// }
    /// ```
    /// - Throws: `CaptionError.invalidOptions` (before any file is read).
    public func captions(imagesAt paths: [String],
                         options: DecodingOptions = DecodingOptions()) throws -> [Result<Caption, CaptionError>] {
        try options.validate()
        return captionFiles(paths, options: options, cancellation: nil)
    }

    /// Captions each file as one job of `ComputeThreads.forEachJob`; stops taking files once
    /// `cancellation` is set (the results of files not done are then meaningless and the
    /// caller throws `CancellationError`).
    func captionFiles(_ paths: [String], options: DecodingOptions,
                      cancellation: CancellationFlag?) -> [Result<Caption, CaptionError>] {
        let cancelled = Result<Caption, CaptionError>.failure(.invalidOptions(reason: "cancelled"))
        var results = [Result<Caption, CaptionError>](repeating: cancelled, count: paths.count)
        results.withUnsafeMutableBufferPointer { results in
            ComputeThreads.forEachJob(paths.count) { index in
                if cancellation?.isCancelled == true { return }
                results[index] = captionFile(paths[index], options: options, cancellation: cancellation)
            }
        }
        return results
    }

    /// One file's result; a cancelled one fails with a placeholder the caller never returns.
    private func captionFile(_ path: String, options: DecodingOptions,
                             cancellation: CancellationFlag?) -> Result<Caption, CaptionError> {
        do {
            let image = try imageDecoder.decode(fileAt: path)
            if let cancellation {
                return .success(try caption(image, options: options, cancellation: cancellation))
            }
            return .success(describe(encode([image])[0], options: options))
        } catch let error as CaptionError {
            return .failure(error)
        } catch {
            return .failure(.unreadableFile(path: path, reason: "\(error)"))
        }
    }
}
