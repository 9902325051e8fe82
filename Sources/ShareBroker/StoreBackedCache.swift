import Synchronization

/// A value read from the store on first use and then kept in step with it by the broker,
/// which applies each change after its transaction commits. A first load never overwrites a
/// change: it is kept only if no other load has set the value meanwhile, and changes are made
/// only after a load. It assumes one broker process per store.
final class StoreBackedCache<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)

    /// The value, loaded with `load` the first time.
    func get(loading load: () async throws -> Value) async throws -> Value {
        if let cached = value.withLock({ $0 }) { return cached }
        let loaded = try await load()
        return value.withLock { current in
            if current == nil { current = loaded }
            return current ?? loaded
        }
    }

    /// Applies a change that is now committed to the store (nothing, if never loaded).
    func update(_ change: (inout Value) -> Void) {
        value.withLock { current in
            guard var updated = current else { return }
            change(&updated)
            current = updated
        }
    }
}
