#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number of online processors, read without Foundation.
enum ProcessInfoCores {
    /// Online processor count (at least 1).
    static var active: Int {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return online > 0 ? Int(online) : 1
    }
}
