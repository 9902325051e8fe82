#!/usr/bin/env python3
"""Many idle delivery streams, one broadcast (issue 16: 10,000 agencies' systems connected at once).

Opens one mutual-TLS HTTP/1.1 connection for each of N benchmark agencies of a demo made with
`sharebroker demo --bench-agencies N` (each agency its own client certificate, issued by the
demo's CA), subscribes the agency to relevant-history/1 in the demo's area on that connection,
then holds `GET /v1/stream` open on it. It records the broker's memory (VmRSS and VmHWM of
/proc/PID/status) before, with all N streams open and idle, after one message published by
northshire-hospitals reached every stream through those subscriptions (with the time from the
publish request to each stream's `event: delivery`), and at intervals after every connection
closed. With `--hold handshake` or `--hold request` the connections hold no stream: it records
the memory with each connection open after its TLS handshake alone, and (`request`) after one
`GET /health` on each. Runs in one asyncio event loop; needs nothing beyond Python's standard
library and the `sharectl` binary, which signs the message before the clock starts. See
BENCHMARKS.md.
"""
import argparse
import asyncio
import json
import os
import resource
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

TYPE = "relevant-history/1"
AREA = "E99999999"


def memory(pid):
    """The broker's VmRSS and VmHWM in MiB."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def context(pki, agency):
    """A client TLS context presenting `agency`'s certificate and trusting the demo's CA."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    tls.load_verify_locations(os.path.join(pki, "ca.crt"))
    tls.load_cert_chain(os.path.join(pki, f"{agency}.crt"), os.path.join(pki, f"{agency}.key"))
    tls.check_hostname = False
    tls.set_alpn_protocols(["http/1.1"])
    return tls


async def read_head(reader):
    """Status and headers (lower-case names) of an HTTP/1.1 answer."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    return status, headers


async def answered(reader):
    """The status of an HTTP/1.1 answer, its body read and dropped."""
    status, headers = await read_head(reader)
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status


def report(name, value):
    print(f"{name:<34} {value}", flush=True)


def report_memory(pid, stage):
    """Reports the broker's VmRSS and VmHWM at `stage`; returns the VmRSS in MiB."""
    rss, hwm = memory(pid)
    report(f"broker RSS {stage}", f"{rss:.1f} MiB (VmHWM {hwm:.1f} MiB)")
    return rss


def request(method, path, host, body=b"", content_type="application/json"):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Accept: application/json, text/event-stream"]
    if body:
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Stream:
    """One agency's connection: its subscription, then its delivery stream."""

    def __init__(self, agency):
        self.agency = agency
        self.writer = None
        self.arrived = None
        self.reading = None
        self.reader = None

    async def open(self, host, port, tls, subscribe_apart=False, stream=True):
        """Subscribes, then opens the stream: on one connection, or with `subscribe_apart`
        on a connection of its own that is closed before the stream's opens. Without `stream`
        it only makes the connection (its TLS handshake), for `ask` later."""
        reader, self.writer = await asyncio.open_connection(host, port, ssl=tls, limit=1 << 16)
        if not stream:
            self.reader = reader
            return
        subscription = json.dumps({"types": [TYPE], "areas": [AREA], "filters": []}).encode()
        self.writer.write(request("POST", "/v1/subscriptions", host, subscription))
        status = await answered(reader)
        if status != 201:
            raise RuntimeError(f"{self.agency}: subscribing answered {status}")
        if subscribe_apart:
            self.writer.close()
            await self.writer.wait_closed()
            reader, self.writer = await asyncio.open_connection(host, port, ssl=tls, limit=1 << 16)
        self.writer.write(request("GET", "/v1/stream", host))
        status, _ = await read_head(reader)
        if status != 200:
            raise RuntimeError(f"{self.agency}: the stream answered {status}")
        self.reading = asyncio.ensure_future(self.read(reader))

    async def read(self, reader):
        tail = b""
        while True:
            data = await reader.read(1 << 14)
            if not data:
                return
            if self.arrived is None and b"event: delivery" in tail + data:
                self.arrived = time.monotonic()
            tail = data[-32:]

    async def ask(self, host):
        """`GET /health` once on a connection `open` made without a stream."""
        self.writer.write(request("GET", "/health", host))
        status = await answered(self.reader)
        if status != 200:
            raise RuntimeError(f"{self.agency}: /health answered {status}")

    def close(self):
        if self.reading:
            self.reading.cancel()
        if self.writer:
            self.writer.transport.abort()


def sign(sharectl, demo_dir, url):
    """A relevant-history/1 message from northshire-hospitals to northshire-csc (and, by
    subscription, to every benchmark agency), signed by sharectl; returns its id and JWS."""
    now = datetime.now(timezone.utc)
    stamp = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    message_id = str(uuid.uuid4())
    envelope = {
        "id": message_id, "type": TYPE, "sender": "northshire-hospitals", "to": ["northshire-csc"], "area": AREA,
        "subject": {"nhsNumber": "9990001235", "name": "Benchmark Example"},
        "disclosure": {"purpose": "case-information", "lawfulBasis": "public-task",
                       "consent": {"status": "not-required", "reason": "Benchmark traffic (fictional)"},
                       "decidedBy": {"name": "Benchmark", "role": "Load test"}, "decidedAt": stamp(now),
                       "rationale": "Benchmark"},
        "sentAt": stamp(now), "expiresAt": stamp(now + timedelta(days=1)),
        "payload": {"caseReference": "CSC-000123", "sourceSystem": "Benchmark", "summary": "Broadcast (fictional).",
                    "entries": [{"date": "2026-11-01", "category": "other", "narrative": "Benchmark entry (fictional)."}]},
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(envelope, file)
    try:
        jws = subprocess.run([sharectl, "sign", "--as", "northshire-hospitals", "--demo-dir", demo_dir, "--url", url, file.name],
                             check=True, capture_output=True, text=True).stdout.strip()
    finally:
        os.unlink(file.name)
    return message_id, jws


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(fraction * len(ordered))) - 1))]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo-dir", required=True)
    parser.add_argument("--url", required=True, help="https://127.0.0.1:PORT")
    parser.add_argument("--broker-pid", type=int, required=True)
    parser.add_argument("--sharectl", required=True, help="the sharectl binary (signs the broadcast)")
    parser.add_argument("--streams", type=int, default=10000, help="agencies, each with one stream (bench-social-care-01 on)")
    parser.add_argument("--concurrency", type=int, default=100, help="connections being opened at once")
    parser.add_argument("--settle", type=float, default=10, help="seconds to wait before each idle memory reading")
    parser.add_argument("--after-close", type=float, default=45, help="seconds to follow memory after the connections close")
    parser.add_argument("--subscribe-apart", action="store_true",
                        help="subscribe each agency on a connection of its own, closed before its stream opens")
    parser.add_argument("--hold", choices=["stream", "handshake", "request"], default="stream",
                        help="what each connection holds: a stream (the benchmark); nothing after its TLS handshake "
                             "(what a connection costs before any request); or that, then nothing after one "
                             "GET /health on each (what a request leaves on an idle connection)")
    arguments = parser.parse_args()
    host, port = arguments.url.removeprefix("https://").rsplit(":", 1)
    pki = os.path.join(arguments.demo_dir, "pki")
    pid = arguments.broker_pid
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < arguments.streams + 64:
        sys.exit(f"the open-file limit ({hard}) cannot hold {arguments.streams} connections")

    message_id, jws = sign(arguments.sharectl, arguments.demo_dir, arguments.url)
    publisher_tls = context(pki, "northshire-hospitals")
    held = {"stream": "stream", "handshake": "connection, nothing sent", "request": "connection, one request"}[arguments.hold]
    report("streams", f"{arguments.streams} agencies, one mutual-TLS HTTP/1.1 {held} each")
    before = report_memory(pid, "before")

    streams = [Stream(f"bench-social-care-{index:02d}") for index in range(1, arguments.streams + 1)]
    gate = asyncio.Semaphore(arguments.concurrency)
    started = time.monotonic()

    async def open_one(stream):
        async with gate:
            await stream.open(host, int(port), context(pki, stream.agency), arguments.subscribe_apart, arguments.hold == "stream")

    await asyncio.gather(*(open_one(stream) for stream in streams))
    if arguments.hold != "stream":
        return await hold_connections(arguments, streams, host, before, started)
    report("subscribed and streaming", f"{arguments.streams} in {time.monotonic() - started:.1f} s")
    await asyncio.sleep(arguments.settle)
    opened = report_memory(pid, "with every stream open, idle")

    reader, writer = await asyncio.open_connection(host, int(port), ssl=publisher_tls)
    body = jws.encode()
    published = time.monotonic()
    writer.write(request("POST", "/v1/messages", host, body, content_type="application/jose"))
    status, headers = await read_head(reader)
    answered = time.monotonic()
    await reader.readexactly(int(headers.get("content-length", "0")))
    writer.transport.abort()
    if status != 201:
        sys.exit(f"publishing answered {status}")
    report("publish answered 201 after", f"{(answered - published) * 1000:.1f} ms")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(stream.arrived is None for stream in streams):
        await asyncio.sleep(0.05)
    latencies = [(stream.arrived - published) * 1000 for stream in streams if stream.arrived is not None]
    report("streams that received it", f"{len(latencies)} of {arguments.streams} (message {message_id})")
    if latencies:
        report("publish→stream p50 / p99 / max", " / ".join(f"{percentile(latencies, q):.0f}" for q in (0.5, 0.99, 1.0)) + " ms")
    await asyncio.sleep(arguments.settle)
    broadcast = report_memory(pid, "after the broadcast")

    for stream in streams:
        stream.close()
    await asyncio.sleep(0)
    closed_at = time.monotonic()
    after = broadcast
    while time.monotonic() - closed_at < arguments.after_close:
        await asyncio.sleep(min(5, arguments.after_close))
        after = report_memory(pid, f"{time.monotonic() - closed_at:.0f} s after closing")
    per = lambda total: (total - before) * 1024 / arguments.streams
    report("per open idle stream", f"{per(opened):.1f} KiB")
    report("kept after closing, per stream", f"{per(after):.1f} KiB")
    report("given back after closing, per stream", f"{(broadcast - after) * 1024 / arguments.streams:.1f} KiB")
    return 0 if len(latencies) == arguments.streams else 1


async def hold_connections(arguments, connections, host, before, started):
    """The connections of `--hold handshake` or `--hold request`: memory with every connection
    open after its handshake alone, then (`request`) after one GET /health on each."""
    report("connections made, idle", f"{arguments.streams} in {time.monotonic() - started:.1f} s")
    await asyncio.sleep(arguments.settle)
    opened = report_memory(arguments.broker_pid, "with every connection open, idle")
    report("per open idle connection", f"{(opened - before) * 1024 / arguments.streams:.1f} KiB")
    if arguments.hold == "request":
        gate = asyncio.Semaphore(arguments.concurrency)

        async def ask_one(connection):
            async with gate:
                await connection.ask(host)

        await asyncio.gather(*(ask_one(connection) for connection in connections))
        await asyncio.sleep(arguments.settle)
        asked = report_memory(arguments.broker_pid, "after one request on each, idle")
        report("left by one request, per connection", f"{(asked - opened) * 1024 / arguments.streams:.1f} KiB")
    for connection in connections:
        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
