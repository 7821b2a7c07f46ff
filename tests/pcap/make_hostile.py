#!/usr/bin/env python3
"""Writes the hostile captures for tests/integration/sensor_hostile.sh into DIR:

  garbage.pcap         random bytes (not a capture at all)
  truncated.pcap       a valid capture cut in the middle of a packet
  random-packets.pcap  valid file, 3000 packets of random bytes (Ethernet)
  snaplen.pcap         HTTP exchanges captured with a 60-byte snaplen
  iplen0.pcap          HTTP exchanges whose IPv4 total length is 0 (TSO)
  overlap.pcap         a request whose segments overlap with different bytes
  flows100k.pcap       100,000 connections, each with one unfinished request
  bigheaders.pcap      a request with 100 KB of headers, answered
  endless-chunked.pcap a chunked response of 20,000 chunks that never ends
  resync-storm.pcap    60 KB segments of lines that each look like a request start and fail

usage: make_hostile.py DIR
"""
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(4)


def pcap(name, packets, snaplen=262144, linktype=101):
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for i, p in enumerate(packets):
            cap = p[:snaplen]
            f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000, len(cap), len(p)) + cap)


class Conn:
    """One TCP connection as raw IPv4 packets (client side 0, server side 1)."""

    def __init__(self, n, iplen0=False):
        self.cli = (struct.pack("!I", 0x0A000000 + n // 60000), 1024 + n % 60000)
        self.srv = (b"\xc0\xa8\x00\x01", 80)
        self.seq = [1000, 900000]
        self.iplen0 = iplen0

    def pkt(self, side, flags, payload=b"", seq=None):
        (sa, sp), (da, dp) = (self.cli, self.srv) if side == 0 else (self.srv, self.cli)
        s = self.seq[side] if seq is None else seq
        total = 0 if self.iplen0 else 40 + len(payload)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0, 64, 6, 0, sa, da)
        tcp = struct.pack("!HHIIBBHHH", sp, dp, s, self.seq[1 - side], 0x50, flags, 65535, 0, 0)
        if seq is None:
            self.seq[side] += len(payload) + (1 if flags & 0x03 else 0)
        return ip + tcp + payload

    def handshake(self):
        return [self.pkt(0, 0x02), self.pkt(1, 0x12), self.pkt(0, 0x10)]


def exchange(n, **kw):
    c = Conn(n, **kw)
    return c.handshake() + [
        c.pkt(0, 0x18, b"GET /api/items/%d?q=1 HTTP/1.1\r\nHost: shop\r\n\r\n" % n),
        c.pkt(1, 0x18, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ]


with open(os.path.join(out, "garbage.pcap"), "wb") as f:
    f.write(bytes(rnd.getrandbits(8) for _ in range(20000)))

pcap("random-packets.pcap", [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 300)))
                             for _ in range(3000)], linktype=1)

pcap("truncated.pcap", sum((exchange(i) for i in range(50)), []))
with open(os.path.join(out, "truncated.pcap"), "rb+") as f:
    size = f.seek(0, 2)
    f.truncate(size - 37)

pcap("snaplen.pcap", sum((exchange(i) for i in range(50)), []), snaplen=60)
pcap("iplen0.pcap", sum((exchange(i, iplen0=True) for i in range(50)), []))

c = Conn(1)
req = b"GET /overlap HTTP/1.1\r\nHost: shop\r\n\r\n"
s0 = c.seq[0] + 1
pk = c.handshake()
pk.append(c.pkt(0, 0x18, req[10:], seq=s0 + 10))              # later part first
pk.append(c.pkt(0, 0x18, b"X" * 20, seq=s0 + 12))              # overlaps with other bytes
pk.append(c.pkt(0, 0x18, req[:10], seq=s0))                    # fills the start
c.seq[0] = s0 + len(req)
pk.append(c.pkt(1, 0x18, b"HTTP/1.1 204 No Content\r\n\r\n"))
pcap("overlap.pcap", pk)

pk = []
for n in range(100000):
    c = Conn(n)
    pk += c.handshake()[:1] + [c.pkt(0, 0x18, b"POST /api/login HTTP/1.1\r\nHost: shop\r\nContent-Length: 100\r\n\r\n")]
pcap("flows100k.pcap", pk)

c = Conn(2)
pk = c.handshake()
big = b"GET /big HTTP/1.1\r\n" + b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 90) for i in range(1000)) + b"\r\n"
for i in range(0, len(big), 1400):
    pk.append(c.pkt(0, 0x18, big[i:i + 1400]))
pk.append(c.pkt(1, 0x18, b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n"))
pcap("bigheaders.pcap", pk)

c = Conn(3)
pk = c.handshake() + [c.pkt(0, 0x18, b"GET /stream HTTP/1.1\r\n\r\n"),
                      c.pkt(1, 0x18, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")]
chunk = b"200\r\n" + b"z" * 0x200 + b"\r\n"
for i in range(20000):
    pk.append(c.pkt(1, 0x18, chunk))
pcap("endless-chunked.pcap", pk)

c = Conn(4)
storm = b"GET \x01\r\nGET /x HTTP/1.1\r\n\x00" * 2000
pk = c.handshake() + [c.pkt(0, 0x18, b"GET / HTTP/1.1\r\n\r\n")]
for _ in range(20):
    pk.append(c.pkt(0, 0x18, storm[:60000]))
pcap("resync-storm.pcap", pk)
