public import Foundation
public import Hummingbird
public import ShareBroker

/// Builds the HTTP API: problem rendering for every route, identity on every `/v1` and `/workspace` route.
public enum BrokerRouter {
    /// `apiDocument` is served at `/v1/openapi.json` (see `APIDocument`).
    public static func make(broker: Broker, inFlight: InFlightRequests, certificates: ConnectionCertificates, apiDocument: Data? = nil) -> Router<BrokerRequestContext> {
        let router = Router(context: BrokerRequestContext.self)
        router.add(middleware: inFlight.middleware())
        router.add(middleware: ProblemMiddleware())
        router.get("health") { _, _ in
            try healthResponse(broker)
        }
        let v1 = router.group("v1").add(middleware: IdentityMiddleware(broker: broker, certificates: certificates))
        MessagesRoutes(broker: broker).register(on: v1)
        AttachmentRoutes(broker: broker).register(on: v1)
        InboxRoutes(broker: broker).register(on: v1)
        StreamRoutes(broker: broker).register(on: v1)
        DirectoryRoutes(broker: broker).register(on: v1)
        AuditRoutes(broker: broker).register(on: v1)
        FHIRRoute(broker: broker).register(on: v1)
        SchemaRoutes(broker: broker).register(on: v1)
        SubscriptionRoutes(broker: broker).register(on: v1)
        WebhookRoutes(broker: broker).register(on: v1)
        CalendarRoutes(broker: broker).register(on: v1)
        FlagRoutes(broker: broker).register(on: v1)
        OpenAPIRoute(document: apiDocument).register(on: v1)
        WorkspaceRoutes(broker: broker).register(on: router.group("workspace").add(middleware: WorkspaceErrorPage())
            .add(middleware: IdentityMiddleware(broker: broker, certificates: certificates)))
        return router
    }
}
