/// A spatial relation a scene caption states, `A <relation> B`, judged on box centres as
/// the scene domain defines it (docs/specification.md; image coordinates, y grows downwards; dx = x_A - x_B, dy = y_A - y_B):
///
///     A to the left of B    x_A < x_B and |dx| >= |dy|
///     A to the right of B   x_A > x_B and |dx| >= |dy|
///     A above B             y_A < y_B and |dy| >  |dx|
///     A below B             y_A > y_B and |dy| >  |dx|
///
/// (`tools/scenes/checker.py`, `holds`.) A centre pair exactly on the diagonal counts as
/// side by side.
public enum SceneRelation: String, CaseIterable, Sendable {
    /// `to the left of`.
    case left
    /// `to the right of`.
    case right
    /// `above`.
    case above
    /// `below`.
    case below

    /// Whether `a <self> b` holds.
    public func holds(_ a: SceneObject, _ b: SceneObject) -> Bool {
        let (first, second) = (a.centre, b.centre)
        let horizontal = abs(first.x - second.x) >= abs(first.y - second.y)
        switch self {
        case .left: return first.x < second.x && horizontal
        case .right: return first.x > second.x && horizontal
        case .above: return first.y < second.y && !horizontal
        case .below: return first.y > second.y && !horizontal
        }
    }
}

/// How a pair described together (`two red circles ...`) is arranged: `side by side`
/// (one is left of the other) or `one above the other`.
public enum SceneAxis: String, Sendable {
    /// `side by side`: `left` or `right` holds between the two.
    case horizontal
    /// `one above the other`: `above` or `below` holds between the two.
    case vertical

    /// Whether the pair `a`, `b` is arranged along this axis.
    public func holds(_ a: SceneObject, _ b: SceneObject) -> Bool {
        switch self {
        case .horizontal: return SceneRelation.left.holds(a, b) || SceneRelation.right.holds(a, b)
        case .vertical: return SceneRelation.above.holds(a, b) || SceneRelation.below.holds(a, b)
        }
    }
}
