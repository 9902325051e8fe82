import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ShareLocking

extension ShareClient {
    /// An answer and the index in `urls` of the URL that gave it.
    struct Exchange: Sendable {
        let response: HTTPClientResponse
        let urlIndex: Int
    }

    /// Sends a request to each URL in turn until one answers, as `FailoverRule` allows,
    /// starting with the URL that answered last or, with `after`, with the URL after that one.
    /// A 503 that is moved past is kept, and returned if no later URL answers.
    /// `streamed`, when given, makes the body afresh for each URL tried (a file read again).
    func exchange(_ method: String, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
                  streamed: (@Sendable () throws -> HTTPClientRequest.Body)? = nil, after skipped: Int? = nil) async throws -> Exchange {
        let rule = FailoverRule(method: method, path: path)
        let first = skipped.map { ($0 + 1) % urls.count } ?? preferred.withLock { $0 }
        var failures: [String] = []
        var unavailable: Exchange?
        for index in (0..<urls.count).map({ (first + $0) % urls.count }) {
            var request = HTTPClientRequest(url: urls[index] + path)
            request.method = HTTPMethod(rawValue: method)
            request.headers = headers
            if let body { request.body = .bytes(body) }
            if let streamed { request.body = try streamed() }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: .seconds(330))
            } catch {
                let failure = ConnectionFailure(error)
                failures.append("\(urls[index]) (\(failure.summary))")
                guard rule.movesOn(after: failure) else {
                    throw failure.kind == .cancelled ? error : noAnswer(failures, stoppedBy: failure)
                }
                continue
            }
            if rule.movesOn(afterStatus: Int(response.status.code)) && failures.count + 1 < urls.count {
                let body = try await response.body.collect(upTo: 1024 * 1024)
                unavailable = Exchange(
                    response: HTTPClientResponse(status: response.status, headers: response.headers, body: .bytes(body)),
                    urlIndex: index)
                failures.append("\(urls[index]) (answered \(response.status.code))")
                continue
            }
            preferred.withLock { $0 = index }
            return Exchange(response: response, urlIndex: index)
        }
        if let unavailable { return unavailable }
        throw noAnswer(failures, stoppedBy: nil)
    }

    /// The error when no URL answered: each URL tried and what went wrong there, and why the
    /// request was not sent to the remaining ones.
    private func noAnswer(_ failures: [String], stoppedBy failure: ConnectionFailure?) -> any Error {
        var reason = "No answer from the broker at " + failures.joined(separator: ", nor at ") + "."
        if let failure, failure.kind == .lost, failures.count < urls.count {
            reason += " The request may have reached the broker, and repeating it elsewhere is not harmless, so it was not"
                + " sent to the other URLs; check whether it took effect before sending it again."
        }
        return ShareClientError(status: nil, problem: nil, reason: reason)
    }
}
