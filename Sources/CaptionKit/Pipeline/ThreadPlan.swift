/// How the commands share their `--threads`: a single image file gets every thread for its
/// own computation (one worker, `ComputeThreads.count` = threads); anything else runs that
/// many images at once, one thread each (`ComputeThreads.count` = 1), which keeps every core
/// busy through the parts of the work that do not split well (decoding, the small GEMMs of
/// the search) and never runs more threads than asked for.
///
/// Measured on the shared 2-core development machine (docs/architecture.md, "The caption
/// command"): 2 workers x 1 thread had the lowest wall and CPU time for a VGG-16-sized model;
/// 2 workers x 2 threads each (then through OpenBLAS's own threads, which CaptionKit no
/// longer uses) was the slowest for every model.
public struct ThreadPlan: Sendable {
    /// Images processed at once.
    public let workers: Int
    /// `ComputeThreads.count` while they are processed.
    public let threadsPerImage: Int

    /// The plan for `threads` threads.
    public init(threads: Int, singleImage: Bool) {
        workers = singleImage ? 1 : max(1, threads)
        threadsPerImage = singleImage ? max(1, threads) : 1
    }

    /// Sets `ComputeThreads.count` for the run.
    public func apply() {
        ComputeThreads.count = threadsPerImage
    }
}
