import Hummingbird
import NIOCore
import ShareBroker

/// A refusal of a workspace page, as a page a browser shows (the same status, title and detail
/// as the problem document) when the request asks for HTML; any other client gets the problem
/// document as from every other route.
struct WorkspaceErrorPage: RouterMiddleware {
    typealias Context = BrokerRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BrokerError where request.headers[.accept]?.contains("text/html") == true {
            let entry = ProblemCatalogue.entry(for: error.code)
            let html = """
                <!DOCTYPE html>
                <html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>\(HTML.escape(entry.title)) · Auditor's workspace</title><link rel="icon" href="data:,">
                <link rel="stylesheet" href="/workspace/workspace.css"></head>
                <body><main><h1>\(HTML.escape(entry.title))</h1><p>\(HTML.escape(error.detail))</p>
                <p><a href="/workspace">Back to finding a subject</a></p></main></body></html>

                """
            return Response(status: entry.status, headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src data:; frame-ancestors 'none'",
            ], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }
}
