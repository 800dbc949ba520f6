import Foundation

extension Captioner {
    /// The model to load when the app names none: `$CAPTIONKIT_MODEL`, then `weights/default`
    /// in the working directory, then the user's model cache
    /// (`$CAPTIONKIT_CACHE/models/default`, by default `~/.cache/captionkit/models/default`,
    /// which a checkout's `scripts/install-model` fills), then `weights/default` above the
    /// executable. Works from a package that depends on CaptionKit once the cache is set up.
    ///
    /// ```swift
    /// let captioner = try Captioner(modelAt: Captioner.defaultModelURL())
    /// ```
    ///
    /// An app that ships its own model passes its URL to `Captioner(modelAt:)` instead (a
    /// bundle folder or one `.npz` file among the app's resources).
    /// - Throws: `CaptionError.modelNotFound`, listing where it looked.
    public static func defaultModelURL() throws -> URL {
        URL(fileURLWithPath: try ModelLocator(explicitPath: nil).locate())
    }
}
