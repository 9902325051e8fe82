public import ShareStore
public import Testing

/// The `Store` contract as checks written once against `any Store`, after NATS's
/// `testAllStoreAllPermutations`: a test runs every check against a fresh store from every
/// `StoreFactory`, so a new store is held to the same promises by adding its factory.
public enum StoreConformance {
    /// Every check, by the requirements they exercise.
    public static let checks: [StoreCheck] =
        PublishChecks.all + InboxChecks.all + StreamChecks.all + AcknowledgementChecks.all + ReadingChecks.all
        + EventRecordChecks.all + BodyChecks.all + RetentionChecks.all + AttachmentChecks.all + SubtreeChecks.all + SubscriptionAndWebhookChecks.all + TimerChecks.all + DeadlineChecks.all + StreamPresenceChecks.all + ConcurrencyChecks.all
}

/// One promise of the `Store` contract, checked against a fresh, empty store.
public struct StoreCheck: Sendable, CustomTestStringConvertible {
    /// What a store that passes does, as a sentence.
    public let name: String
    private let body: @Sendable (any Store) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (any Store) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { name }

    /// Runs the check against a fresh store from `factory`; failures are recorded as issues.
    public func run(against factory: StoreFactory) async throws {
        try await factory.withFreshStore(body)
    }
}

/// Makes a fresh, empty store of one kind for each check, and disposes of it afterwards.
public struct StoreFactory: Sendable, CustomTestStringConvertible {
    /// The kind of store, as test results name it (`SQLite`).
    public let name: String
    private let scope: @Sendable (_ body: (any Store) async throws -> Void) async throws -> Void

    /// `scope` makes a fresh, empty store, calls `body` with it, and disposes of the store
    /// afterwards, also when `body` throws.
    public init(_ name: String, scope: @escaping @Sendable (_ body: (any Store) async throws -> Void) async throws -> Void) {
        self.name = name
        self.scope = scope
    }

    public var testDescription: String { name }

    /// Calls `body` with a fresh, empty store.
    public func withFreshStore(_ body: (any Store) async throws -> Void) async throws {
        try await scope(body)
    }
}
