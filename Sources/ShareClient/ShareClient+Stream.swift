import AsyncHTTPClient
import NIOHTTP1

extension ShareClient {
    /// Opens `GET /v1/stream`: this agency's unacknowledged deliveries, then each new one as it
    /// is committed. With `lastEventID` (the `eventID` of the last delivery received), only
    /// deliveries after it. Throws `ShareClientError` if the broker refuses; the sequence ends
    /// when the broker closes the stream (for instance when it stops).
    public func stream(after lastEventID: Int? = nil) async throws -> StreamedDeliveries {
        var request = self.request("GET", "/v1/stream")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await execute(request)
        guard response.status == .ok else { throw try await RawResponse(response).refusal }
        return StreamedDeliveries(body: response.body)
    }
}
