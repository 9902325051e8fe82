public import Foundation

extension MessageCatalogue {
    /// Loads and compiles every `*.schema.json` file in `directory`.
    public static func load(directory: URL) throws(CatalogueError) -> MessageCatalogue {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(fileSuffix) }
        } catch {
            throw CatalogueError("Cannot read the schema catalogue folder \(directory.path); point the configuration's \"schemas\" at the Schemas/ folder.")
        }
        guard !names.isEmpty else {
            throw CatalogueError("\(directory.path) holds no *\(fileSuffix) files; point the configuration's \"schemas\" at the Schemas/ folder.")
        }
        var files: [(name: String, bytes: Data)] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let bytes = FileManager.default.contents(atPath: url.path) else {
                throw CatalogueError("Cannot read \(url.path).")
            }
            files.append((name, bytes))
        }
        return try MessageCatalogue(files: files)
    }
}
