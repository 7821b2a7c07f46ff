# Connection exhaustion (issue 9): the collector runs with its open-file limit at 512 and
# default connection caps (sized from that limit). 630 idle connections from ten client
# addresses and 60 slow ones (a header byte a second) are held open; /api/health must
# still answer within 5 s each time, the collector must stay near idle, and its log small.
# Then the limit is cut under the caps (prlimit) so accept() runs out of descriptors:
# accepting pauses instead of spinning, and health still answers.
source "$(dirname "$0")/lib.bash"
port=$(free_port)
base="http://127.0.0.1:$port"
(ulimit -n 512 && exec "$SF_BIN/securaflow-collector" --data-dir "$scratch/var" \
  --listen "127.0.0.1:$port" --rate-limit 0 >"$scratch/collector.log" 2>&1) &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
check "collector starts" wait_http "$base/api/health" 120
check "caps sized from the open-file limit" grep -q '"max_connections":288,"max_connections_per_client":72' "$scratch/collector.log"

python3 - "$port" "$pid" "$scratch/collector.log" <<'PYEOF'
import socket, subprocess, sys, threading, time
port, pid, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
passed = failed = 0

def check(what, cond):
    global passed, failed
    passed, failed = passed + bool(cond), failed + (not cond)
    if not cond:
        print("FAILED: " + what, flush=True)

def cpu_seconds():
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / 100.0

def log_lines():
    return sum(1 for _ in open(log))

def health():
    t0 = time.monotonic()
    ok = subprocess.run(["curl", "-fs", "-m", "5", "-o", "/dev/null",
                         "http://127.0.0.1:%d/api/health" % port]).returncode == 0
    return ok, time.monotonic() - t0

held = []
def hold(n, source):
    for _ in range(n):
        s = socket.socket()
        s.bind((source, 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(s)

stop = threading.Event()
def drip(socks):  # slow clients: one byte of a request a second
    request = b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 200
    i = 0
    while not stop.is_set() and i < len(request):
        for s in socks:
            try:
                s.send(request[i:i + 1])
            except OSError:
                pass
        i += 1
        stop.wait(1)

def phase(name, idle_from, n_idle, seconds=4):
    lines0, cpu0, t0 = log_lines(), cpu_seconds(), time.monotonic()
    for k, source in enumerate(idle_from):
        hold(n_idle, source)
    slow = []
    for k in range(60):
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=("127.0.0.%d" % (20 + k % 5), 0))
        slow.append(s)
    th = threading.Thread(target=drip, args=(slow,))
    th.start()
    lines0, cpu0, t0 = log_lines(), cpu_seconds(), time.monotonic()
    answers = []
    while time.monotonic() - t0 < seconds:
        answers.append(health())
        time.sleep(0.5)
    stop.set(); th.join(); stop.clear()
    cpu = (cpu_seconds() - cpu0) / (time.monotonic() - t0)
    grown = log_lines() - lines0
    worst = max(t for _, t in answers)
    print("%s: %d health checks, all answered: %s, slowest %.2f s; collector CPU %.0f%% of a core; %d log lines"
          % (name, len(answers), all(ok for ok, _ in answers), worst, cpu * 100, grown), flush=True)
    check(name + ": health answers every time within 5 s", all(ok for ok, _ in answers) and worst < 5)
    check(name + ": the collector stays near idle (%.0f%% of a core)" % (cpu * 100), cpu < 0.5)
    check(name + ": the log stays small (%d lines)" % grown, grown < 200)
    for s in slow:
        s.close()

def metric(name):
    out = subprocess.run(["curl", "-fs", "-m", "5", "http://127.0.0.1:%d/metrics" % port],
                         capture_output=True, text=True).stdout
    return float([l.split()[1] for l in out.splitlines() if l.startswith(name + " ")][0])

phase("630 idle + 60 slow connections, caps from ulimit 512", ["127.0.0.%d" % (2 + i) for i in range(10)], 63)
check("open connections stay within the cap (%d)" % metric("securaflow_http_connections"),
      metric("securaflow_http_connections") <= 288)
check("idle connections were closed to make room", metric("securaflow_http_connections_closed_total") > 0)
# Now fewer descriptors than the caps allow: accept() fails with EMFILE.
subprocess.run(["prlimit", "--pid", str(pid), "--nofile=120:120"], check=True)
phase("descriptors cut to 120 under the caps", ["127.0.0.%d" % (40 + i) for i in range(4)], 60)
check("accepting paused on EMFILE", metric("securaflow_http_accept_paused_total") > 0)
for s in held:
    s.close()
print("checks: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PYEOF
check "connection checks" [ $? = 0 ]
check "health after the clients left" wait_http "$base/api/health" 10
check "no 'Too many open files' flood in the log ($(grep -c 'Too many open files\|out of file descriptors' "$scratch/collector.log"))" \
  [ "$(grep -c 'Too many open files\|out of file descriptors' "$scratch/collector.log")" -lt 5 ]
kill -INT "$pid"
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
check "collector stops on SIGINT" bash -c "! kill -0 $pid 2>/dev/null"
check "no sanitizer report" bash -c "! grep -q 'Sanitizer' '$scratch/collector.log'"
finish
