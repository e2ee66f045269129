internal import CLibUV
import Glibc

/// Which CPUs a thread may run on, for `server.pinWorkers`.
///
/// With two workers and a client on two cores, the scheduler now and then runs both workers on
/// one core, and the connections of the worker waiting for its turn stall for a time slice;
/// with one worker per core that wait goes, and p99 with it (see BENCHMARKS.md).
public enum CPUAffinity {
    /// Why the kernel refused; the process runs on unpinned.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The CPUs this process may use, read on first use: before any thread is pinned, since a
    /// thread reads its own set and a pinned thread's is one CPU. Empty when it cannot be read.
    public static let processCPUs: [Int] = (try? currentThreadCPUs()) ?? []

    /// The CPUs the calling thread may run on, in ascending order.
    public static func currentThreadCPUs() throws(Failure) -> [Int] {
        var set = cpu_set_t()
        guard sched_getaffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 else { throw failure(errno, "sched_getaffinity") }
        return withUnsafeBytes(of: &set) { bits in
            (0..<bits.count * 8).filter { bits[$0 >> 3] & (1 << ($0 & 7)) != 0 }
        }
    }

    /// Lets the calling thread run on `cpus` alone.
    public static func restrictCurrentThread(to cpus: [Int]) throws(Failure) {
        _ = processCPUs  // read while this thread still has the process's whole set
        var set = cpu_set_t()
        withUnsafeMutableBytes(of: &set) { bits in
            for cpu in cpus where cpu >= 0 && cpu < bits.count * 8 { bits[cpu >> 3] |= 1 << (cpu & 7) }
        }
        guard sched_setaffinity(0, MemoryLayout<cpu_set_t>.size, &set) == 0 else { throw failure(errno, "sched_setaffinity to \(cpus)") }
    }

    /// Gives the calling thread every CPU of the process back. A thread inherits its creator's
    /// set, so work started from a pinned worker (a purge) calls this rather than share the
    /// worker's one core. Unpinned, it changes nothing; it runs only when a thread starts.
    public static func releaseCurrentThread() {
        guard !processCPUs.isEmpty else { return }
        try? restrictCurrentThread(to: processCPUs)
    }

    /// `code` comes first so that it is read before the call's text is made.
    private static func failure(_ code: Int32, _ call: String) -> Failure {
        Failure(description: "\(call): \(String(cString: strerror(code)))")
    }
}
