/// A failure of the command itself (not of one image): printed as `caption: MESSAGE` on
/// standard error, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    /// The line to print, without the `caption: ` prefix.
    let description: String

    /// A failure with its message.
    init(_ description: String) {
        self.description = description
    }
}
