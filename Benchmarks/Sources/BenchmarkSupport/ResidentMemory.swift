// The process's resident memory from /proc/self/status, and a resettable peak, so that a
// benchmark can measure how much memory one piece of work adds at its peak.
import Foundation

/// Resident set sizes of this process (Linux `/proc/self/status`).
public enum ResidentMemory {
    /// `VmRSS`, `VmHWM` (the peak since start or since the last `resetPeak()`) and `RssAnon`
    /// (the part that is not file pages, such as memory-mapped weights), in bytes; nil when
    /// /proc is not readable.
    public static func current() -> (resident: Int, peak: Int, anonymous: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func kilobytes(_ key: String) -> Int? {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return nil }
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        }
        guard let resident = kilobytes("VmRSS"), let peak = kilobytes("VmHWM"), let anonymous = kilobytes("RssAnon") else {
            return nil
        }
        return (resident * 1024, peak * 1024, anonymous * 1024)
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

    /// While `body` ran: by how many bytes the resident size rose above its value at the
    /// start, at its highest (`peak`, counting file pages touched for the first time, such as
    /// memory-mapped weights), and by how much the anonymous part grew by the end
    /// (`anonymous`: allocations still held, such as scratch buffers kept for reuse); nil when
    /// /proc cannot be read or the peak cannot be reset.
    public static func increase(_ body: () throws -> Void) rethrows -> (peak: Int, anonymous: Int)? {
        guard let before = current(), resetPeak() else {
            try body()
            return nil
        }
        try body()
        guard let after = current() else { return nil }
        return (after.peak - before.resident, after.anonymous - before.anonymous)
    }
}
