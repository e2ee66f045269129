import Foundation
import Server

/// Starts `body` on a thread of its own that may run on every CPU of the process. A thread
/// inherits the CPU set of the thread that starts it, and work started from a pinned worker
/// (`server.pinWorkers`), a purge or a reset's synthetic generators, must not share that
/// worker's one core.
func startBackgroundThread(_ body: @escaping @Sendable () -> Void) {
    Thread {
        CPUAffinity.releaseCurrentThread()
        body()
    }.start()
}
