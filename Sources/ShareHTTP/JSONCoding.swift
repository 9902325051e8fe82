import Foundation
import ShareModel

/// The JSON conventions of every request and response (see `ShareJSON`).
enum JSONCoding {
    static let encoder = ShareJSON.encoder()
    static let decoder = ShareJSON.decoder()
}
