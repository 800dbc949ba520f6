import CaptionEval
import Foundation

/// Finds METEOR's data for a scoring run: the pycocoevalcap wheel in the cache folder
/// (`METEORData.defaultWheelPath`), fetched on first use by the project's
/// `scripts/fetch-meteor-data` (looked for above the working directory and the executable);
/// its paraphrase table indexed in the METEOR cache beside it (`METEORCache.defaultFolder`).
enum METEORSetup {
    /// A scorer, or why METEOR cannot be computed (one line).
    static func scorer() -> (scorer: METEORScorer?, problem: String?) {
        let path = METEORData.defaultWheelPath()
        if !FileManager.default.fileExists(atPath: path) {
            guard let script = fetchScript() else {
                return (nil, "METEOR's data is missing (\(path)) and scripts/fetch-meteor-data was not found to fetch it")
            }
            FileHandle.standardError.write(Data("caption-eval: fetching METEOR's data once with \(script)\n".utf8))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: script)
            process.standardOutput = FileHandle.nullDevice
            do {
                try process.run()
                process.waitUntilExit()
            } catch {
                return (nil, "METEOR's data is missing (\(path)) and \(script) could not run: \(error.localizedDescription)")
            }
            guard process.terminationStatus == 0 else {
                return (nil, "METEOR's data is missing (\(path)) and \(script) could not fetch it")
            }
        }
        do {
            return (METEORScorer(data: try METEORData(wheelPath: path), cache: METEORCache(folder: METEORCache.defaultFolder())), nil)
        } catch {
            return (nil, "METEOR's data cannot be read: \(error)")
        }
    }

    /// `scripts/fetch-meteor-data` in the working directory or the executable's folder or
    /// any folder above them.
    private static func fetchScript() -> String? {
        var starts = [FileManager.default.currentDirectoryPath]
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            starts.append((executable as NSString).deletingLastPathComponent)
        } else if let executable = Bundle.main.executablePath {
            starts.append((executable as NSString).deletingLastPathComponent)
        }
        for start in starts {
            var folder = start
            while true {
                let candidate = (folder as NSString).appendingPathComponent("scripts/fetch-meteor-data")
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder || parent.isEmpty { break }
                folder = parent
            }
        }
        return nil
    }
}
