import CaptionKit
import Foundation
import Testing

/// The async calls give the same captions as the blocking ones, and a cancelled one stops
/// between decoder steps with `CancellationError`.
@Suite struct CaptionerAsyncTests {
    let model = Fixtures.url("models/plain")
    let image = Fixtures.url("models/plain/reference/image.png").path

    @Test func asyncCallsMatchTheBlockingOnes() async throws {
        let captioner = try Captioner(modelAt: model)
        // In an async context the async overload is chosen; a closure calls the blocking one.
        let blocking = { () throws -> Caption in try captioner.caption(imageAt: image) }
        let expected = try blocking()
        #expect(try await captioner.caption(imageAt: image) == expected)
        let data = try Data(contentsOf: URL(fileURLWithPath: image))
        #expect(try await captioner.caption(imageData: data) == expected)
        let decoded = try captioner.imageDecoder.decode(fileAt: image)
        #expect(try await captioner.caption(decoded) == expected)
        let results = try await captioner.captions(imagesAt: [image, "/nonexistent.png"])
        #expect(try results[0].get() == expected)
        #expect(throws: CaptionError.self) { try results[1].get() }
    }

    @Test func asyncErrorsAreTheLibrarysErrors() async throws {
        let captioner = try Captioner(modelAt: model)
        await #expect(throws: CaptionError.self) { try await captioner.caption(imageAt: "/nonexistent.png") }
        await #expect(throws: CaptionError.self) {
            try await captioner.caption(imageAt: image, options: DecodingOptions(beamSize: 0))
        }
    }

    @Test func cancellingStopsALongCaptionPromptly() async throws {
        try await withTemporaryFolder { folder in
            let (captioner, stepTime) = try neverEndingModel(in: folder)
            // 5,000,000 steps take most of an hour at the measured step time; cancelled after
            // 50 ms, the call must throw within a quarter of that. The bound is loose on purpose:
            // the awaiting test resumes on Swift's cooperative pool, which other tests running in
            // parallel on a 2-core machine can hold for over a minute (CI runs measured 27 and
            // 78 s), while a search that ignored the cancellation would run for the whole hour.
            let options = DecodingOptions(beamSize: 1, maxLength: 5_000_000)
            let clock = ContinuousClock()
            let start = clock.now
            let task = Task { try await captioner.caption(imageAt: image, options: options) }
            try await Task.sleep(for: .milliseconds(50))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            let elapsed = clock.now - start
            let uncancelled = stepTime * 5_000_000
            // Relative, not absolute: both times stretch alike when the machine is busy.
            #expect(elapsed * 4 < uncancelled, "stopped after \(elapsed), a full run takes \(uncancelled)")
        }
    }

    @Test func aTaskCancelledBeforeTheCallThrowsAtOnce() async throws {
        let captioner = try Captioner(modelAt: model)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await captioner.captions(imagesAt: [image, image])
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    /// The plain model with `<end>` renamed to a word it never emits within 300 greedy
    /// steps (so it runs to `maxLength`), and its time per step.
    private func neverEndingModel(in folder: URL) throws -> (Captioner, Duration) {
        for word in ["yellow", "ring", "cross", "square", "white", "green"] {
            let attempt = folder.appendingPathComponent(word)
            try FileManager.default.createDirectory(at: attempt, withIntermediateDirectories: true)
            let captioner = try Captioner(modelAt: plainModel(in: attempt, swapping: "<end>", with: word))
            let clock = ContinuousClock()
            let start = clock.now
            let caption = try captioner.caption(imageAt: image, options: DecodingOptions(beamSize: 1, maxLength: 300))
            let elapsed = clock.now - start
            if !caption.finished {
                return (captioner, elapsed / 300)
            }
        }
        throw CaptionError.invalidOptions(reason: "no word of the plain model is absent from 300 greedy steps")
    }
}
