import ShareStoreConformance
import ShareTesting
import Testing

/// Every store the broker can run on; adding a store to the conformance suite is one line here.
let conformingStores = [
    StoreFactory("SQLite") { body in try await withStore { store, _ in try await body(store) } },
    StoreFactory("PostgreSQL") { body in try await TestPostgres.withStore { try await body($0) } },
]

/// The `Store` contract (see `Store`'s documentation): every check against every store.
@Suite("Store conformance")
struct StoreConformanceTests {
    @Test("the store keeps the Store contract", arguments: conformingStores, StoreConformance.checks)
    func keepsTheContract(store: StoreFactory, check: StoreCheck) async throws {
        try await check.run(against: store)
    }
}
