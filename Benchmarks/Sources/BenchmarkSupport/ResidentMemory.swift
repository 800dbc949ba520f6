// The process's resident memory from /proc/self/status, and a resettable peak, so that a
// benchmark can measure how much memory one piece of work adds at its peak.
import Foundation

/// Resident set sizes of this process (Linux `/proc/self/status`).
public enum ResidentMemory {
    /// `VmRSS` and `VmHWM` (the peak since start or since the last `resetPeak()`), in bytes;
    /// nil when /proc is not readable.
    public static func current() -> (resident: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let resident = kilobytes("VmRSS"), let peak = kilobytes("VmHWM") else { return nil }
        return (resident * 1024, peak * 1024)
    }

    /// Sets the peak (`VmHWM`) back to the current resident size (writes 5 to
    /// `/proc/self/clear_refs`, Linux 4.0 and later); returns whether that worked.
    @discardableResult
    public static func resetPeak() -> Bool {
        let handle = open("/proc/self/clear_refs", O_WRONLY)
        guard handle >= 0 else { return false }
        defer { close(handle) }
        return write(handle, "5", 1) == 1
    }

    /// Bytes by which the resident size rose above its value at the start, at its highest,
    /// while `body` ran; nil when the peak cannot be reset or read.
    public static func peakIncrease(_ body: () throws -> Void) rethrows -> Int? {
        guard let before = current(), resetPeak() else {
            try body()
            return nil
        }
        try body()
        guard let after = current() else { return nil }
        return after.peak - before.resident
    }
}
