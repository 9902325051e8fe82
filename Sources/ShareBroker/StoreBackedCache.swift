import ShareLocking

/// A value read from the store on first use and then kept in step with it: the broker applies
/// each change it makes after its transaction commits, and forgets the value when another
/// broker process sharing the store announces a change (`StoreChange`), to read it again on
/// next use. A load never overwrites a change or a forgetting that happened while it read.
final class StoreBackedCache<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        /// Counts changes and forgettings, so that a load knows whether one happened meanwhile.
        var generation: UInt64 = 0
    }

    private let state = Locked(State())

    /// The value, loaded with `load` when not kept.
    func get(loading load: () async throws -> Value) async throws -> Value {
        let (cached, generation) = state.withLock { ($0.value, $0.generation) }
        if let cached { return cached }
        let loaded = try await load()
        state.withLock { state in
            if state.value == nil && state.generation == generation { state.value = loaded }
        }
        return loaded
    }

    /// Applies a change that is now committed to the store (nothing, if not kept).
    func update(_ change: (inout Value) -> Void) {
        state.withLock { state in
            state.generation &+= 1
            guard var updated = state.value else { return }
            change(&updated)
            state.value = updated
        }
    }

    /// Forgets the value: the store changed in a way this process did not see.
    func forget() {
        state.withLock { state in
            state.generation &+= 1
            state.value = nil
        }
    }
}
