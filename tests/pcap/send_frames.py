#!/usr/bin/env python3
"""Sends the frames of Ethernet pcap files out of a network interface (AF_PACKET), in
order, each rewritten to the interface's peer MAC. For live-capture tests in network
namespaces the test creates (tests/integration/sensor_live_vlan.sh).

usage: send_frames.py IFACE DST_MAC FILE.pcap...
"""
import socket
import struct
import sys
import time

iface, dst = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((iface, 0))
for path in sys.argv[3:]:
    with open(path, "rb") as f:
        data = f.read()
    order = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(order + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        s.send(dst + frame[6:])
        time.sleep(0.002)
