"""Independent websocket client for the simulator tests (Python `websockets`, not our code).

usage: python_feed_client.py URL COUNT [SUBSCRIBE_JSON]
Connects to URL (ws:// or wss://; wss certificates are not verified: loopback only), sends
SUBSCRIBE_JSON if given, receives COUNT messages (20 s timeout each) and prints each one as a
hex line on stdout. Exit status 2 when `websockets` is not installed.
"""
import asyncio
import ssl
import sys

try:
    import websockets
except ImportError:
    print("websockets not installed", file=sys.stderr)
    sys.exit(2)


async def main(url, count, subscribe):
    context = None
    if url.startswith("wss://"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    async with websockets.connect(url, ssl=context, max_size=None, compression=None) as ws:
        if subscribe:
            await ws.send(subscribe)
        for _ in range(count):
            message = await asyncio.wait_for(ws.recv(), timeout=20)
            data = message.encode() if isinstance(message, str) else message
            sys.stdout.write(data.hex() + "\n")
    sys.stdout.flush()


asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None))
