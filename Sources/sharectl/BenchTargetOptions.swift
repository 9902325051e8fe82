import ArgumentParser
import ShareClient

/// The broker a benchmark loads, the same for every `bench` command: its demo folder (made with
/// `--bench-agencies` for the commands that stream to benchmark agencies), its URL, and whether
/// to speak HTTP/1.1.
struct BenchTargetOptions: ParsableArguments {
    @Option(help: "The demo data folder of the broker under test (made with --bench-agencies for bench-stream and bench-flow).")
    var demoDir = "./demo-data"
    @Option(help: "The broker's base URL (default: the demo's configured port).") var url: String?
    @Flag(help: "Use HTTP/1.1 connections instead of HTTP/2.") var http1 = false

    /// How to reach the broker as `agency`, at `other` when given (another node of a cluster), else at `--url`.
    func connection(as agency: String, at other: String? = nil) throws -> ConnectionOptions {
        try ConnectionOptions.parse(["--as", agency, "--demo-dir", demoDir] + ((other ?? url).map { ["--url", $0] } ?? []))
    }

    /// A client of its own (one connection pool) for `options`, over HTTP/1.1 with `--http1`.
    func client(_ options: ConnectionOptions) throws -> ShareClient {
        var configuration = try options.clientConfiguration()
        configuration.http1Only = http1
        return try ShareClient(configuration: configuration)
    }
}
