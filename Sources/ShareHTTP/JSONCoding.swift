import Foundation
import ShareModel

/// The JSON conventions of every response (see `ShareJSON`).
enum JSONCoding {
    static let encoder = ShareJSON.encoder()
}
