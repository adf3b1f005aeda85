#!/usr/bin/env python3
"""A round-robin TCP load balancer for the client tests of a deployment:
lb.py LISTEN_PORT BACKEND_PORT... (all on 127.0.0.1). Each new connection
goes to the next backend that accepts it, as a load balancer in front of
novalite api replicas would send it."""
import asyncio
import itertools
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(port, backends):
    ring = itertools.cycle(backends)

    async def handle(creader, cwriter):
        for _ in backends:
            try:
                breader, bwriter = await asyncio.open_connection("127.0.0.1", next(ring))
                break
            except OSError:
                continue
        else:
            cwriter.close()
            return
        await asyncio.gather(pipe(creader, bwriter), pipe(breader, cwriter))

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), [int(p) for p in sys.argv[2:]]))
