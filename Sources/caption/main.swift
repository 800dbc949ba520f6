import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "serve" {
    // `caption serve ...`: the HTTP service (a file named "serve" is captioned as ./serve).
    exit(ServeCommand.runFromCommandLine(Array(arguments.dropFirst())))
}
exit(CaptionCommand.runFromCommandLine(arguments))
