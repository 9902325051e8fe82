import ArgumentParser
import Foundation

/// A demo data folder made by `sharebroker demo`, as its configuration (`sharebroker.json`)
/// describes it: the partnership's agencies, and the port the demo broker listens on (the
/// demo writes it there each time it starts).
struct DemoFolder {
    let path: String
    /// The ids of the partnership's agencies, in the configuration's order.
    let agencies: [String]
    /// The broker's address, if the configuration names a port other than 0.
    let url: String?
    /// The message catalogue the demo enforces (the repository's Schemas/ folder), if named.
    let schemas: String?

    /// Reads the folder's configuration; a folder without one is a usage error (exit 64).
    init(path: String) throws {
        let file = "\(path)/sharebroker.json"
        guard let data = FileManager.default.contents(atPath: file),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ValidationError("There is no demo folder at \(path) (no readable \(file)): start 'sharebroker demo' there first, or give its folder with --demo-dir.")
        }
        self.path = path
        agencies = (object["agencies"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let port = (object["listener"] as? [String: Any])?["port"] as? Int
        url = port.flatMap { $0 > 0 ? "https://127.0.0.1:\($0)" : nil }
        schemas = object["schemas"] as? String
    }

    /// Throws a usage error (exit 64) that names the folder's agencies unless `agency` is one of them.
    func requireAgency(_ agency: String) throws {
        guard agencies.contains(agency) else {
            throw ValidationError("There is no agency '\(agency)' in the demo folder \(path); its agencies are \(agencies.joined(separator: ", ")).")
        }
    }
}
