import Hummingbird
import ShareBroker

/// `GET /v1/calendar/deadline?area=&rule=&from=`: when something is due in an area's calendar,
/// for any agency (README "Calendars and deadlines").
struct CalendarRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("calendar/deadline", use: deadline)
    }

    @Sendable func deadline(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let query = request.uri.queryParameters
        guard let area = query.get("area") else {
            throw BrokerError(.badRequest, "Give the area's ONS code: ?area=E99999999&rule=next-school-day.")
        }
        guard let rule = query.get("rule") else {
            throw BrokerError(.badRequest, "Give a rule: ?rule=next-school-day or ?rule=working-days:5.")
        }
        return try jsonResponse(try broker.deadline(area: area, rule: rule, from: query.get("from")))
    }
}
