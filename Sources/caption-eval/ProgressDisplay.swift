import Foundation

/// Progress of `caption-eval run` on standard error. On a terminal: one line redrawn in
/// place at most ten times a second,
///
///     caption-eval  370/1000 [#########...............]  37%  41.2 images/s  ETA 0:15  2 failed
///
/// Otherwise (a log file, a pipe): a plain line every 30 seconds, nothing for shorter runs.
/// Images/s counts this run's images only (not those resumed from the journal); the ETA is
/// the remaining images at that rate. Messages (failed images) are printed on lines of their
/// own, with the bar redrawn below them.
final class ProgressDisplay {
    private let total: Int
    private let alreadyDone: Int
    private let isTerminal: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDrawn: ContinuousClock.Instant?
    private var done = 0
    private var failed = 0
    private var barShown = false

    /// A display for `total` images of which `alreadyDone` were done before this run.
    init(total: Int, alreadyDone: Int, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.total = total
        self.alreadyDone = alreadyDone
        self.isTerminal = isTerminal
        start = clock.now
    }

    /// Seconds since the display was made.
    var elapsedSeconds: Double {
        let (seconds, attoseconds) = (clock.now - start).components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// Counts one image of this run, captioned or failed, and redraws when it is time.
    func advance(failed hasFailed: Bool) {
        done += 1
        if hasFailed { failed += 1 }
        let now = clock.now
        let interval: Duration = isTerminal ? .milliseconds(100) : .seconds(30)
        if let lastDrawn, now - lastDrawn < interval, done + alreadyDone < total { return }
        if lastDrawn == nil && !isTerminal && now - start < interval { return }
        lastDrawn = now
        draw()
    }

    /// Prints `message` on a line of its own (above the bar on a terminal).
    func note(_ message: String) {
        write((barShown ? "\r\u{1B}[K" : "") + message + "\n")
        barShown = false
        if isTerminal && lastDrawn != nil { draw() }
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        guard isTerminal else { return }
        draw()
        write("\n")
        barShown = false
    }

    private func draw() {
        let finished = done + alreadyDone
        let rate = Double(done) / max(elapsedSeconds, 1e-9)
        let remaining = Double(total - finished) / rate
        let eta = rate > 0 && remaining.isFinite ? Self.clockTime(remaining) : "?"
        let failures = failed > 0 ? "  \(failed) failed" : ""
        let figures = "\(finished)/\(total)"
        guard isTerminal else {
            write("caption-eval: \(figures) images, \(String(format: "%.1f", rate)) images/s, ETA \(eta)\(failures)\n")
            return
        }
        let width = 24
        let filled = total > 0 ? width * finished / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = total > 0 ? 100 * finished / total : 100
        let padded = String(repeating: " ", count: max(0, 2 * String(total).count + 1 - figures.count)) + figures
        write("\r\u{1B}[Kcaption-eval \(padded) [\(bar)] \(percent)%  \(String(format: "%.1f", rate)) images/s  ETA \(eta)\(failures)")
        barShown = true
    }

    /// `m:ss` or `h:mm:ss`.
    static func clockTime(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.up))
        let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
        let tail = String(format: "%02d", rest)
        return hours > 0 ? "\(hours):\(String(format: "%02d", minutes)):\(tail)" : "\(minutes):\(tail)"
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
