public import Foundation

/// Folders of this repository that tests read.
public enum RepositoryPaths {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// The message catalogue.
    public static let schemas = root.appendingPathComponent("Schemas", isDirectory: true)
    /// The catalogue's example messages.
    public static let examples = schemas.appendingPathComponent("examples", isDirectory: true)
}
