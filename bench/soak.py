"""Soak: the production server under steady load for ten minutes — no errors, no memory growth.

Starts gunicorn with production settings (config/gunicorn.py, its default workers) against the
PostgreSQL archive `mk_bench_<size>` of bench/run.py (reused, or built by `generate_archive` the
same way), with a Redis of its own as the shared cache, as in production. wrk drives 64
connections over a mix of pages: anonymous visitors (served from the page cache once kept),
visitors with a session cookie (every page built), and addresses that are new each time (list
pages, searches, API pages). After a warm-up the workers' resident memory is sampled every few
seconds; the run fails on any failed request and on more than 5 % growth.

    bench/soak.py                                  # 100k talks, 2 min warm-up, 10 min soak
    bench/soak.py --size 10k --duration 60 --warmup 20
"""

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/run.py: databases, environment, pages

ARTIFACTS = bench.ROOT / "artifacts" / "soak"
MAX_GROWTH = 0.05
WORDS = ["чтения", "библиотека", "семья", "краеведение", "молодёжь", "цифровые", "Ёлкина", "опыт"]

WRK_SCRIPT = """
local paths = {%(paths)s}
local fresh = {%(fresh)s}
local counter = 0
request = function()
  counter = counter + 1
  if counter %% 4 == 0 then
    -- an address never asked before: built, then kept in the cache
    local template = fresh[math.random(#fresh)]
    return wrk.format("GET", string.format(template, math.random(1, 400)))
  end
  local path = paths[math.random(#paths)]
  if counter %% 4 == 1 then
    -- a visitor with a session: never served from the page cache
    return wrk.format("GET", path, {["Cookie"] = "sessionid=soak-visitor-without-session"})
  end
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SOAK %%d %%d %%.0f %%.0f %%.0f %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", choices=bench.SIZES)
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--duration", type=int, default=600, help="seconds of soak")
    parser.add_argument("--warmup", type=int, default=120, help="seconds of load before")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--sample", type=float, default=5, help="seconds between memory samples")
    args = parser.parse_args()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="mk-soak-static-"))
    env = bench.production_env(static_root)
    env.pop("WEB_CONCURRENCY", None)  # config/gunicorn.py's default, as in production
    env["DATABASE_URL"] = f"{args.postgres.rstrip('/')}/mk_bench_{args.size}"
    bench.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    bench.prepare_database(args.postgres, args.size, bench.SIZES[args.size], env)
    pages = json.loads(bench.run([sys.executable, __file__, "--pages"], env))

    with redis_server() as redis_url:
        env["REDIS_URL"] = redis_url
        log = ARTIFACTS / f"gunicorn-{args.size}.log"
        with gunicorn(env, log) as (base_url, master):
            script = write_script(pages)
            print(f"warm-up {args.warmup} s", file=sys.stderr, flush=True)
            wrk(base_url, script, args.warmup, args.connections)
            memory = Sampler(master, args.sample)
            memory.start()
            print(f"soak {args.duration} s", file=sys.stderr, flush=True)
            result = wrk(base_url, script, args.duration, args.connections)
            memory.stop()
            workers_after = workers(master)
    server_log = log.read_text()
    result.update(
        size=args.size,
        talks=bench.SIZES[args.size],
        duration_s=args.duration,
        warmup_s=args.warmup,
        connections=args.connections,
        workers=len(workers_after),
        worker_restarts=server_log.count("Booting worker") - len(workers_after),
        worker_timeouts=server_log.count("WORKER TIMEOUT"),
        tracebacks=server_log.count("Traceback"),
        memory=memory.summary(),
        pages=pages,
    )
    (ARTIFACTS / f"{args.size}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(report(result), flush=True)
    problems = failures(result)
    if problems:
        sys.exit("soak failed: " + "; ".join(problems))


def page_paths():
    """Runs inside the project's settings: the pages of bench/run.py and addresses to vary."""
    sys.path.insert(0, str(bench.ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    pages, _ = bench.find_pages()
    paths = [path for _, path in pages]
    paths += ["/healthz", "/speakers/", "/libraries/", "/regions/", "/statistics/", "/api/talks/"]
    # Lua's string.format fills %d with a page number; the escapes of Cyrillic are doubled.
    words = [quote(word).replace("%", "%%") for word in WORDS]
    fresh = [
        "/talks/?page=%d",
        "/seminars/?page=%d",
        "/api/talks/?page=%d",
        *[f"/search/?q={word}&page=%d" for word in words[:3]],
        *[f"/talks/?q={word}&page=%d" for word in words[3:]],
    ]
    print(json.dumps({"paths": paths, "fresh": fresh}, ensure_ascii=False))


def write_script(pages):
    def lua_strings(values):
        return ", ".join(json.dumps(value) for value in values)

    script = ARTIFACTS / "soak.lua"
    script.write_text(
        WRK_SCRIPT % {"paths": lua_strings(pages["paths"]), "fresh": lua_strings(pages["fresh"])}
    )
    return str(script)


def wrk(base_url, script, seconds, connections):
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script,
         "-H", "X-Forwarded-Proto: https", base_url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("SOAK "))
    requests, duration, p50, p95, p99, status, connect, read, write, timeout = map(
        int, line.split()[1:]
    )
    return {
        "requests": requests,
        "rps": requests / (duration / 1_000_000),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "p99_ms": p99 / 1000,
        "errors": {
            "status": status,
            "connect": connect,
            "read": read,
            "write": write,
            "timeout": timeout,
        },
    }


@contextlib.contextmanager
def redis_server():
    """A Redis of our own on a free port, nothing kept on disk, bounded like a production one."""
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--maxmemory", "512mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env, log):
    """gunicorn as production runs it (config/gunicorn.py); yields its URL and master's pid."""
    port = free_port()
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--config",
             "config/gunicorn.py", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
            cwd=bench.ROOT, env=env, stdout=log_file, stderr=log_file,
        )  # fmt: skip
        base_url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while bench.fetch(base_url + "/healthz")[0] != 200:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"gunicorn did not start; see {log}")
                time.sleep(0.2)
            yield base_url, server.pid
        finally:
            server.terminate()
            server.wait(timeout=60)


def workers(master):
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Sampler:
    """The workers' resident memory every few seconds, from /proc, beside the load."""

    def __init__(self, master, interval):
        self.master, self.interval = master, interval
        self.samples = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join()

    def _run(self):
        started = time.monotonic()
        while True:
            try:
                sizes = {pid: rss_kib(pid) for pid in workers(self.master)}
            except FileNotFoundError:
                sizes = {}
            self.samples.append((time.monotonic() - started, sizes))
            if self.stopping.wait(self.interval):
                return

    def summary(self):
        first, last = self.samples[0][1], self.samples[-1][1]
        same = sorted(set(first) & set(last))
        total = [sum(sizes.values()) for _, sizes in self.samples]
        return {
            "workers": len(same),
            "start_mib": sum(first[pid] for pid in same) / 1024,
            "end_mib": sum(last[pid] for pid in same) / 1024,
            "max_mib": max(total) / 1024,
            "growth": sum(last[pid] for pid in same) / sum(first[pid] for pid in same) - 1,
            "per_worker_growth": [last[pid] / first[pid] - 1 for pid in same],
            "samples": [(round(t), sum(sizes.values()) // 1024) for t, sizes in self.samples],
        }


def failures(result):
    problems = []
    errors = sum(result["errors"].values())
    if errors:
        problems.append(f"{errors} failed requests {result['errors']}")
    if result["worker_restarts"] or result["worker_timeouts"]:
        problems.append(
            f"{result['worker_restarts']} worker restarts, {result['worker_timeouts']} timeouts"
        )
    if result["memory"]["growth"] > MAX_GROWTH:
        problems.append(f"workers' memory grew {result['memory']['growth']:.1%}")
    return problems


def report(result):
    memory = result["memory"]
    errors = sum(result["errors"].values())
    per_worker = ", ".join(f"{growth:+.1%}" for growth in memory["per_worker_growth"])
    return "\n".join(
        [
            f"### Soak: {result['talks']:,} talks, {result['duration_s'] // 60} min",
            "",
            f"gunicorn {result['workers']} sync workers (config/gunicorn.py), Redis, PostgreSQL;"
            f" wrk 2 threads × {result['connections']} connections after {result['warmup_s']} s"
            " of warm-up; a quarter of the requests new addresses, a quarter with a session"
            " cookie (no page cache), half anonymous.",
            "",
            "| requests | req/s | p50 ms | p95 ms | p99 ms | errors | worker restarts | tracebacks |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {result['requests']:,} | {result['rps']:.0f} | {result['p50_ms']:.1f}"
            f" | {result['p95_ms']:.1f} | {result['p99_ms']:.1f} | {errors}"
            f" | {result['worker_restarts']} | {result['tracebacks']} |",
            "",
            f"Workers' resident memory after warm-up {memory['start_mib']:.0f} MiB, at the end"
            f" {memory['end_mib']:.0f} MiB ({memory['growth']:+.1%}; per worker {per_worker});"
            f" highest {memory['max_mib']:.0f} MiB.",
        ]
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--pages"]:
        page_paths()
    else:
        main()
