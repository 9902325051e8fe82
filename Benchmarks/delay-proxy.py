# A TCP proxy on 127.0.0.1 that delays every chunk by DELAY_MS in each direction, in order: a
# stand-in for a database across a network where `tc qdisc ... netem` is not available. asyncio's
# timers round up to about a millisecond, so each direction takes at least that.
# Usage: python3 Benchmarks/delay-proxy.py LISTEN_PORT TARGET_PORT DELAY_MS
import asyncio, sys
listen_port, target_port, delay = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]) / 1000
async def pipe(reader, writer):
    loop = asyncio.get_running_loop()
    q = asyncio.Queue()
    async def sender():
        while True:
            due, data = await q.get()
            if data is None: break
            wait = due - loop.time()
            if wait > 0: await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()
    task = asyncio.create_task(sender())
    try:
        while True:
            data = await reader.read(65536)
            if not data: break
            q.put_nowait((loop.time() + delay, data))
    finally:
        q.put_nowait((0, None))
        await task
async def handle(cr, cw):
    sr, sw = await asyncio.open_connection('127.0.0.1', target_port)
    await asyncio.gather(pipe(cr, sw), pipe(sr, cw), return_exceptions=True)
async def main():
    server = await asyncio.start_server(handle, '127.0.0.1', listen_port)
    async with server: await server.serve_forever()
asyncio.run(main())
