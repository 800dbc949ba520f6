import Foundation

exit(CaptionCommand.runFromCommandLine(Array(CommandLine.arguments.dropFirst())))
