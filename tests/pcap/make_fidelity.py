#!/usr/bin/env python3
"""Writes the captures of the sensor's fidelity regressions (issue 13) into DIR, each a
small HTTP exchange that once went wrong. tests/integration/sensor_fidelity.sh reads
them; tests/pcap/expected-fidelity/ holds what tshark makes of them.

  vlan1.pcap, qinq.pcap        HTTP in 802.1Q and 802.1ad+802.1Q (QinQ) Ethernet frames
  null-ipv6-af24/28/30.pcap    BSD loopback (DLT_NULL), IPv6 with each BSD's AF_INET6
  synack-first.pcap            the server's SYN/ACK captured before the client's SYN
  retrans-after-fin.pcap       the request retransmitted after both FINs
  interrupted.pcap             a response cut by a capture gap, the connection idle for
                               400 s, then reset
  status-kept.pcap             a header error after a valid status line; a status line
                               with two spaces
  h2-prior-knowledge.pcap      HTTP/2 with prior knowledge (PRI * HTTP/2.0 preface)
  h2-upgrade-pri.pcap          PRI preface on a connection that already spoke HTTP/1.1
  sip-tcp.pcap                 SIP over TCP (OPTIONS sip:... SIP/2.0)
  rpc-methods.pcap             RPC_IN_DATA / RPC_OUT_DATA (Outlook Anywhere)
  long-url.pcap                a URL of 3000 bytes
  dot-url.pcap                 GET . HTTP/1.0
  connect-early.pcap           CONNECT, then tunnelled bytes sent before the 200 arrives
  connect-refused.pcap         CONNECT answered 407, then a plain request

usage: make_fidelity.py DIR
"""
import os
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
T0 = 1700000000.0


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Conn:
    """One TCP connection; side 0 = client, 1 = server. Packets are IP datagrams."""

    def __init__(self, cli="10.0.0.1", srv="10.0.0.2", cport=40000, sport=80, v6=False):
        self.v6 = v6
        import socket
        self.addr = [socket.inet_pton(socket.AF_INET6 if v6 else socket.AF_INET, a) for a in (cli, srv)]
        self.port = [cport, sport]
        self.seq = [1000, 50000]
    
    def pkt(self, side, flags, payload=b"", seq=None):
        src, dst = self.addr[side], self.addr[1 - side]
        s = self.seq[side] if seq is None else seq
        ack = self.seq[1 - side] if flags & 0x10 else 0
        tcp = struct.pack("!HHIIBBHHH", self.port[side], self.port[1 - side], s & 0xFFFFFFFF,
                          ack & 0xFFFFFFFF, 0x50, flags, 65535, 0, 0) + payload
        if self.v6:
            pseudo = src + dst + struct.pack("!I3xB", len(tcp), 6)
        else:
            pseudo = src + dst + struct.pack("!xBH", 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        if seq is None:
            self.seq[side] += len(payload) + (1 if flags & 0x03 else 0)
        if self.v6:
            return struct.pack("!IHBB", 0x60000000, len(tcp), 6, 64) + src + dst + tcp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return ip + tcp

    def syn(self):
        return self.pkt(0, 0x02)

    def synack(self):
        return self.pkt(1, 0x12)

    def ack(self, side=0):
        return self.pkt(side, 0x10)

    def data(self, side, payload):
        return self.pkt(side, 0x18, payload)

    def fin(self, side):
        return self.pkt(side, 0x11)

    def handshake(self):
        return [self.syn(), self.synack(), self.ack()]


def ether(ip, tags=()):
    """Ethernet frame; tags = [(tpid, vid)...], outermost first."""
    etype = 0x86DD if ip[0] >> 4 == 6 else 0x0800
    hdr = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01"
    for tpid, vid in tags:
        hdr += struct.pack("!HH", tpid, vid)
    return hdr + struct.pack("!H", etype) + ip


def write(name, packets, linktype=1, step=0.001, times=None, order="<"):
    """packets: bytes (already framed for linktype); one every step seconds unless
    times (offsets from T0) are given. order: the file's byte order."""
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack(order + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for i, p in enumerate(packets):
            t = T0 + (times[i] if times else i * step)
            sec = int(t)
            usec = int(round((t - sec) * 1e6))
            f.write(struct.pack(order + "IIII", sec, usec, len(p), len(p)) + p)


def simple_exchange(c, req=b"GET /x HTTP/1.1\r\nHost: h\r\n\r\n",
                    resp=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"):
    return c.handshake() + [c.data(0, req), c.data(1, resp), c.ack(0), c.fin(0), c.fin(1), c.ack(0)]


# --- VLAN and QinQ: the same exchange, tagged ---
write("vlan1.pcap", [ether(p, [(0x8100, 100)]) for p in simple_exchange(Conn(), b"GET /vlan HTTP/1.1\r\nHost: h\r\n\r\n")])
write("qinq.pcap", [ether(p, [(0x88A8, 200), (0x8100, 100)])
                    for p in simple_exchange(Conn(cport=40001), b"GET /qinq HTTP/1.1\r\nHost: h\r\n\r\n")])
write("untagged.pcap", [ether(p) for p in simple_exchange(Conn(cport=40002), b"GET /plain HTTP/1.1\r\nHost: h\r\n\r\n")])

# --- BSD loopback IPv6: AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS) ---
for af in (24, 28, 30):
    c = Conn("::1", "::1", 50000 + af, 8080, v6=True)
    write(f"null-ipv6-af{af}.pcap",
          [struct.pack("<I", af) + p for p in simple_exchange(c, f"GET /af{af} HTTP/1.1\r\nHost: h\r\n\r\n".encode())],
          linktype=0)
# the same from a big-endian machine: header and AF in its byte order
c = Conn("::1", "::1", 50099, 8080, v6=True)
write("null-ipv6-af30-be.pcap",
      [struct.pack(">I", 30) + p for p in simple_exchange(c, b"GET /af30be HTTP/1.1\r\nHost: h\r\n\r\n")],
      linktype=0, order=">")


def eth(packets):
    return [ether(p) for p in packets]


# --- handshake and teardown ---
c = Conn(cport=40010)
syn, synack = c.syn(), c.synack()
write("synack-first.pcap", eth([synack, syn, c.ack(), c.data(0, b"GET /synack-first HTTP/1.1\r\nHost: h\r\n\r\n"),
                                c.data(1, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                                c.ack(0), c.fin(0), c.fin(1), c.ack(0)]))

c = Conn(cport=40011)
pk = c.handshake()
req = b"GET /retransmitted HTTP/1.1\r\nHost: h\r\n\r\n"
req_seq = c.seq[0]
pk.append(c.data(0, req))
resp = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
resp_seq = c.seq[1]
pk += [c.data(1, resp), c.ack(0), c.fin(0), c.fin(1), c.ack(0)]
pk += [c.pkt(0, 0x18, req, seq=req_seq), c.pkt(1, 0x18, resp, seq=resp_seq)]   # after both FINs
write("retrans-after-fin.pcap", eth(pk))

# --- times: a response cut by a capture gap, then 400 s of silence and a reset ---
c = Conn(cport=40012)
pk = c.handshake() + [c.data(0, b"GET /cut HTTP/1.1\r\nHost: h\r\n\r\n"),
                      c.data(1, b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"a" * 100)]
c.seq[1] += 300                                   # 300 bytes never captured
pk += [c.data(1, b"b" * 100), c.ack(0)]
times = [i * 0.001 for i in range(len(pk))]
pk.append(c.pkt(0, 0x14))                         # the client resets, 400 s later
times.append(400.0)
write("interrupted.pcap", eth(pk), times=times)

# --- statuses ---
pk = []
for n, (req, resp) in enumerate([
        (b"GET /bad-header HTTP/1.1\r\nHost: h\r\n\r\n", b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 12x\r\n\r\n"),
        (b"GET /two-spaces HTTP/1.1\r\nHost: h\r\n\r\n", b"HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok"),
        (b"GET /folded-te HTTP/1.1\r\nHost: h\r\n\r\n",
         b"HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n")]):
    c = Conn(cport=40020 + n)
    pk += simple_exchange(c, req, resp)
write("status-kept.pcap", eth(pk))

# --- not HTTP/1 ---
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
HEADERS = b"\x00\x00\x05\x01\x05\x00\x00\x00\x01\x82\x86\x84\x41\x00"[:14]
c = Conn(cport=40030)
write("h2-prior-knowledge.pcap", eth(c.handshake() + [c.data(0, PREFACE + SETTINGS), c.data(1, SETTINGS),
                                                      c.data(0, HEADERS), c.data(1, SETTINGS)]))
# one-sided (client only): an h2c upgrade whose 101 was not captured, then the preface
c = Conn(cport=40031)
up = (b"GET /h2c HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
      b"HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
pk = [c.syn()]
c.seq[1] += 1
pk += [c.ack(), c.data(0, up)]
c.seq[1] += 200
pk += [c.data(0, PREFACE + SETTINGS), c.data(0, HEADERS)]
write("h2-upgrade-pri.pcap", eth(pk))

c = Conn(cport=40032, sport=5060)
write("sip-tcp.pcap", eth(simple_exchange(
    c, b"OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1:40032\r\nCSeq: 1 OPTIONS\r\n"
       b"Content-Length: 0\r\n\r\n",
    b"SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 10.0.0.1:40032\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")))

# --- request lines llhttp rejects ---
pk = []
for n, (req, resp) in enumerate([
        (b"RPC_IN_DATA /rpc/rpcproxy.dll?mail.example.com:6001 HTTP/1.1\r\nHost: mail.example.com\r\n"
         b"Content-Length: 10\r\n\r\n0123456789",
         b"HTTP/1.1 200 Success\r\nContent-Length: 0\r\n\r\n"),
        (b"RPC_OUT_DATA /rpc/rpcproxy.dll?mail.example.com:6001 HTTP/1.1\r\nHost: mail.example.com\r\n"
         b"Content-Length: 4\r\n\r\nabcd",
         b"HTTP/1.1 200 Success\r\nContent-Type: application/rpc\r\nContent-Length: 8\r\n\r\n01234567"),
        (b"GET . HTTP/1.0\r\n\r\n", b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
        (b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", b"HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n")]):
    c = Conn(cport=40040 + n)
    pk += simple_exchange(c, req, resp)
write("request-lines.pcap", eth(pk))

# --- CONNECT ---
c = Conn(cport=40050, sport=3128)
pk = c.handshake() + [c.data(0, b"CONNECT example.com:80 HTTP/1.1\r\nHost: example.com:80\r\n\r\n"),
                      c.data(0, b"GET /inside-the-tunnel HTTP/1.1\r\nHost: example.com\r\n\r\n"),
                      c.data(1, b"HTTP/1.1 200 Connection established\r\n\r\n"),
                      c.data(1, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                      c.ack(0), c.fin(0), c.fin(1), c.ack(0)]
write("connect-early.pcap", eth(pk))
c = Conn(cport=40051, sport=3128)
pk = c.handshake() + [c.data(0, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
                      c.data(1, b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"),
                      c.data(0, b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
                                b"Proxy-Authorization: Basic dTpw\r\n\r\n"),
                      c.data(1, b"HTTP/1.1 200 Connection established\r\n\r\n"),
                      c.data(0, b"\x16\x03\x01\x00\x05hello"), c.data(1, b"\x16\x03\x03\x00\x05world"),
                      c.ack(0), c.fin(0), c.fin(1), c.ack(0)]
write("connect-refused.pcap", eth(pk))
