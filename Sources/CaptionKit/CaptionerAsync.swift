import Foundation

/// `async` versions of the captioning calls. Each runs on a thread of its own (never on the
/// caller's executor, so a main-actor caller stays responsive), and honours task
/// cancellation: once the task is cancelled the work stops before the next decoder step and
/// the call throws `CancellationError`.
///
/// ```swift
/// func captionInBackground(_ path: String, with captioner: Captioner) async throws -> String {
///     try await captioner.caption(imageAt: path).text
/// }
/// ```
extension Captioner {
    /// The caption of the image file at `path`, computed off the caller's executor.
    /// - Throws: what `caption(imageAt:options:)` throws, or `CancellationError`.
    public func caption(imageAt path: String, options: DecodingOptions = DecodingOptions()) async throws -> Caption {
        try options.validate()
        return try await runOwnThread { cancellation in
            try cancellation.check()
            return try self.caption(self.imageDecoder.decode(fileAt: path), options: options, cancellation: cancellation)
        }
    }

    /// The caption of a decoded image, computed off the caller's executor.
    /// - Throws: `CaptionError.invalidOptions`, or `CancellationError`.
    public func caption(_ image: RGBImage, options: DecodingOptions = DecodingOptions()) async throws -> Caption {
        try options.validate()
        return try await runOwnThread { cancellation in
            try self.caption(image, options: options, cancellation: cancellation)
        }
    }

    /// The caption of encoded image bytes, computed off the caller's executor.
    /// - Throws: what `caption(imageData:name:options:)` throws, or `CancellationError`.
    public func caption(imageData: Data, name: String = Captioner.imageDataName,
                        options: DecodingOptions = DecodingOptions()) async throws -> Caption {
        try options.validate()
        return try await runOwnThread { cancellation in
            try cancellation.check()
            return try self.caption(self.imageDecoder.decode(imageData, name: name), options: options,
                                    cancellation: cancellation)
        }
    }

    /// The captions of the image files at `paths`, in order, one `Result` each, computed off
    /// the caller's executor.
    /// - Throws: `CaptionError.invalidOptions`, or `CancellationError` (no partial results).
    public func captions(imagesAt paths: [String],
                         options: DecodingOptions = DecodingOptions()) async throws -> [Result<Caption, CaptionError>] {
        try options.validate()
        return try await runOwnThread { cancellation in
            let results = self.captionFiles(paths, options: options, cancellation: cancellation)
            try cancellation.check()
            return results
        }
    }

    /// Runs `work` on a new thread (8 MiB of stack, as the command's workers have) and
    /// resumes with its result; the task's cancellation sets the flag `work` checks.
    private func runOwnThread<Value: Sendable>(
        _ work: @escaping @Sendable (CancellationFlag) throws -> Value
    ) async throws -> Value {
        let cancellation = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                let thread = Thread {
                    continuation.resume(with: Result { try work(cancellation) })
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onCancel: {
            cancellation.cancel()
        }
    }
}
