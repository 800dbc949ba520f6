import ArgumentParser

/// A command of the `caption` executable (`caption`, `caption serve`): parsed from the command
/// line, run, and turned into an exit status.
protocol ExecutableCommand: ParsableCommand {
    /// How one-line usage errors name the command ("caption", "caption serve").
    static var usageName: String { get }
    /// Runs the parsed command; returns the exit status.
    func execute() -> Int32
}

extension ExecutableCommand {
    /// Parses the command line and runs; returns the exit status. Usage errors are one line
    /// `NAME: MESSAGE (see 'NAME --help')` on standard error, status 64; `--help` and
    /// `--version` print to standard output, status 0.
    static func runFromCommandLine(_ arguments: [String]) -> Int32 {
        let command: Self
        do {
            command = try parse(arguments)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                exit(withError: error)
            }
            StandardStream.error.writeLine("\(usageName): \(message(for: error)) (see '\(usageName) --help')")
            return code.rawValue
        }
        return command.execute()
    }
}
