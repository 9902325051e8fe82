import AsyncHTTPClient
import NIOHTTP1

extension ShareClient {
    /// Opens `GET /v1/stream`: this agency's unacknowledged deliveries, then each new one as it
    /// is committed. With `lastEventID` (the `eventID` of the last delivery received), only
    /// deliveries after it. Throws `ShareClientError` if the broker refuses.
    ///
    /// With one broker URL, the sequence ends when the broker closes the stream (for instance
    /// when it stops). With several, a stream that the broker ends or that breaks is opened
    /// again after the last delivery received, on the next URL first (the node that ended it is
    /// tried last), so the sequence goes on across nodes; it ends when every URL in turn ended
    /// a stream before sending anything, and fails when no URL answers.
    public func stream(after lastEventID: Int? = nil) async throws -> StreamedDeliveries {
        let opened = try await openStream(after: lastEventID, leaving: nil)
        return StreamedDeliveries(client: self, opened: opened, lastEventID: lastEventID)
    }

    /// Opens a stream after `lastEventID`, starting with the URL after the one at index `leaving`.
    func openStream(after lastEventID: Int?, leaving: Int?) async throws -> Exchange {
        var headers: HTTPHeaders = ["Accept": "text/event-stream"]
        if let lastEventID { headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let opened = try await exchange("GET", "/v1/stream", headers: headers, after: leaving)
        guard opened.response.status == .ok else { throw try await RawResponse(opened.response).refusal }
        return opened
    }

    /// True when a stream that ends is opened again on another URL.
    var resumesStreams: Bool { urls.count > 1 }
}
