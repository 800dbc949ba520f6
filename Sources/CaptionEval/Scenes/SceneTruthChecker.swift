/// Checks captions of the scene domain against scene graphs: a Swift port of
/// `tools/scenes/checker.py` (`check`), extended with the relation counts.
public enum SceneTruthChecker {
    /// The verdict on `words` (a tokenized caption) about a scene holding `objects`.
    public static func check(_ words: [String], objects: [SceneObject]) -> SceneCaptionVerdict {
        let reading: SceneReading
        do {
            reading = try SceneCaptionParser.parse(words)
        } catch {
            let mentions = SceneCaptionParser.looseMentions(words)
            return SceneCaptionVerdict(
                grammatical: false, entirelyTrue: false, mentioned: mentions.reduce(0) { $0 + $1.count },
                matched: SceneAssignment.maximumMatching(mentions, objects: objects), sceneObjects: objects.count,
                relationsStated: 0, relationsHeld: 0, complete: false)
        }
        let assignment = SceneAssignment(reading: reading, objects: objects)
        let complete = objects.count == 1
            ? reading.objectCount == 1
            : reading.objectCount >= 2 && reading.relationCount > 0
        return SceneCaptionVerdict(
            grammatical: true,
            entirelyTrue: assignment.matched == reading.objectCount && assignment.relationsHeld == reading.relationCount,
            mentioned: reading.objectCount, matched: assignment.matched, sceneObjects: objects.count,
            relationsStated: reading.relationCount, relationsHeld: assignment.relationsHeld, complete: complete)
    }

    /// The verdict on a caption given as text: split on white space (captions of the domain
    /// are lower-case words; callers scoring arbitrary text pass PTB-tokenized captions).
    public static func check(caption: String, objects: [SceneObject]) -> SceneCaptionVerdict {
        check(caption.split(whereSeparator: \.isWhitespace).map(String.init), objects: objects)
    }
}
