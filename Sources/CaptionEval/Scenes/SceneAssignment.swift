/// The best consistent assignment of a caption's mentioned objects to a scene's objects: an
/// injective, possibly partial map from mention slots (one per mentioned object; a pair has
/// two) to scene objects whose colour, shape and size fit, chosen to match as many mentioned
/// objects as possible and then, among those, to make as many stated relations (pair
/// arrangements included) hold as possible.
///
/// A relation holds under an assignment when every object of both its mentions is assigned
/// and the relation holds for every (subject object, object object) pair; an arrangement
/// holds when both objects of its pair are assigned and lie along its axis.
///
/// The search is exhaustive with pruning: it tries every partial injective map, slot by slot,
/// and drops a branch that can no longer match as many objects as the best found. Scene graphs
/// of the domain hold at most three objects, which keeps it small (for S slots and 3 objects
/// at most about S^3 maps).
struct SceneAssignment {
    /// Mentioned objects given a scene object.
    private(set) var matched = 0
    /// Stated relations (pair arrangements included) that hold.
    private(set) var relationsHeld = 0

    private let reading: SceneReading
    private let objects: [SceneObject]
    private let slotMentions: [Int]
    private var chosen: [Int?]
    private var used: [Bool]
    private var searched = false

    /// The best assignment of `reading`'s mentions to `objects`.
    init(reading: SceneReading, objects: [SceneObject]) {
        self.reading = reading
        self.objects = objects
        slotMentions = reading.mentions.indices.flatMap { index in
            Array(repeating: index, count: reading.mentions[index].count)
        }
        chosen = Array(repeating: nil, count: slotMentions.count)
        used = Array(repeating: false, count: objects.count)
        search(slot: 0, matchedSoFar: 0)
    }

    /// The largest number of `mentions`' objects that distinct scene objects fit (a maximum
    /// bipartite matching, by augmenting paths).
    static func maximumMatching(_ mentions: [SceneMention], objects: [SceneObject]) -> Int {
        let slots = mentions.flatMap { Array(repeating: $0, count: $0.count) }
        var owner = [Int?](repeating: nil, count: objects.count)
        func augment(_ slot: Int, _ visited: inout [Bool]) -> Bool {
            for object in objects.indices where !visited[object] && slots[slot].fits(objects[object]) {
                visited[object] = true
                if let current = owner[object] {
                    guard augment(current, &visited) else { continue }
                }
                owner[object] = slot
                return true
            }
            return false
        }
        var count = 0
        for slot in slots.indices {
            var visited = [Bool](repeating: false, count: objects.count)
            if augment(slot, &visited) { count += 1 }
        }
        return count
    }

    private mutating func search(slot: Int, matchedSoFar: Int) {
        // Ties on the matched count may still win on relations, so only a strictly smaller
        // reachable count is pruned.
        if searched && matchedSoFar + (slotMentions.count - slot) < matched { return }
        guard slot < slotMentions.count else {
            let held = relationsHolding()
            if !searched || (matchedSoFar, held) > (matched, relationsHeld) {
                (matched, relationsHeld) = (matchedSoFar, held)
                searched = true
            }
            return
        }
        let mention = reading.mentions[slotMentions[slot]]
        for object in objects.indices where !used[object] && mention.fits(objects[object]) {
            used[object] = true
            chosen[slot] = object
            search(slot: slot + 1, matchedSoFar: matchedSoFar + 1)
            used[object] = false
            chosen[slot] = nil
        }
        search(slot: slot + 1, matchedSoFar: matchedSoFar)
    }

    /// The objects assigned to each mention, or nil for a mention not wholly assigned.
    private func members() -> [[SceneObject]?] {
        var members = [[SceneObject]](repeating: [], count: reading.mentions.count)
        for (slot, mention) in slotMentions.enumerated() {
            if let object = chosen[slot] { members[mention].append(objects[object]) }
        }
        return members.indices.map { members[$0].count == reading.mentions[$0].count ? members[$0] : nil }
    }

    private func relationsHolding() -> Int {
        let members = members()
        var held = 0
        for stated in reading.relations {
            guard let subjects = members[stated.subject], let others = members[stated.object] else { continue }
            if subjects.allSatisfy({ a in others.allSatisfy { b in stated.relation.holds(a, b) } }) { held += 1 }
        }
        for arrangement in reading.arrangements {
            guard let pair = members[arrangement.mention] else { continue }
            if arrangement.axis.holds(pair[0], pair[1]) { held += 1 }
        }
        return held
    }
}
