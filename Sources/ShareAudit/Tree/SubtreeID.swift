/// A complete subtree of an RFC 9162 tree: the `2^level` leaves from `index << level`. Every
/// subtree the RFC's recursions visit splits into such subtrees, so their hashes are all a tree
/// needs to answer for any size (`SubtreeHashes`); they never change once the leaves are in.
public struct SubtreeID: Hashable, Sendable, CustomStringConvertible {
    /// The height: 0 for a leaf.
    public let level: Int
    /// The position among the subtrees of this level.
    public let index: Int

    public init(level: Int, index: Int) {
        self.level = level
        self.index = index
    }

    /// The leaf of this index.
    public static func leaf(_ index: Int) -> SubtreeID { SubtreeID(level: 0, index: index) }

    /// The leaves it covers.
    public var leaves: Range<Int> { (index << level)..<((index + 1) << level) }

    /// The complete subtrees that cover leaves `[0, size)`, largest first: one per set bit of
    /// `size` (the compact range of the tree of `size` leaves).
    public static func compactRange(size: Int) -> [SubtreeID] {
        var ids: [SubtreeID] = []
        var start = 0
        for level in stride(from: Int.bitWidth - 2, through: 0, by: -1) where size & (1 << level) != 0 {
            ids.append(SubtreeID(level: level, index: start >> level))
            start += 1 << level
        }
        return ids
    }

    public var description: String { "(level \(level), index \(index))" }
}
