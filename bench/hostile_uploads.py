#!/usr/bin/env python3
"""Peak memory of `giamngheo serve` under the hostile corpus (issue 12).

Starts the server on a small demo registry, logs in, uploads every file of the corpus to /import (each one
several times), and reads the server's peak resident memory (VmHWM in /proc/PID/status) before and after.
Figures go to docs/benchmarks.md ("Hostile uploads").

    BIN      the binary (default target/release/giamngheo; target/debug/giamngheo works, more slowly)
    ROUNDS   uploads of each file (default 3)
    PORT     (default 18191)

The corpus is written by the formats test suite:
    HOSTILE_CORPUS_DIR=bench/data/hostile cargo test -p giamngheo-formats --test formats write_corpus -- --ignored
"""
import http.client
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("BIN", os.path.join(ROOT, "target/release/giamngheo"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
PORT = int(os.environ.get("PORT", "18191"))
DATA = os.path.join(ROOT, "bench/data")
CORPUS = os.path.join(DATA, "hostile")
HOST = f"127.0.0.1:{PORT}"


def log(*a):
    print(">>", *a, file=sys.stderr)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def request(method, path, cookie="", body=b"", ctype=None):
    c = http.client.HTTPConnection(HOST, timeout=120)
    headers = {"Host": HOST, "Origin": f"http://{HOST}"}
    if cookie:
        headers["Cookie"] = cookie
    if ctype:
        headers["Content-Type"] = ctype
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    cookies = {}
    for k, v in r.getheaders():
        if k.lower() == "set-cookie":
            name, _, rest = v.partition("=")
            cookies[name] = rest.split(";")[0]
    c.close()
    return r.status, data.decode("utf-8", "replace"), cookies


def token(html):
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    return m.group(1)


def main():
    os.makedirs(DATA, exist_ok=True)
    if not os.path.isdir(CORPUS):
        log("writing the corpus")
        env = dict(os.environ, HOSTILE_CORPUS_DIR=CORPUS)
        subprocess.run(
            ["cargo", "test", "-q", "-p", "giamngheo-formats", "--test", "formats", "write_corpus", "--", "--ignored"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(DATA, "hostile.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([BIN, "--db", db, "demo", "--households", "2000", "--no-serve"], check=True,
                   stdout=subprocess.DEVNULL)
    password = "hostile-bench-password-9"
    subprocess.run([BIN, "--db", db, "user", "add", "--name", "hostile-admin", "--role", "administrator",
                    "--password-stdin"], input=password.encode(), check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen([BIN, "--db", db, "serve", "--bind", HOST], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        st, html, cookies = request("GET", "/login")
        pre = cookies["gn_pre"]
        form = f"csrf={token(html)}&name=hostile-admin&password={password}".encode()
        st, _, cookies = request("POST", "/login", f"gn_pre={pre}", form, "application/x-www-form-urlencoded")
        assert st == 303, st
        session = f"gn_session={cookies['gn_session']}"
        idle = status_kb(server.pid, "VmHWM")
        log(f"idle peak RSS {idle / 1024:.1f} MB")
        rows = []
        for name in sorted(os.listdir(CORPUS)):
            with open(os.path.join(CORPUS, name), "rb") as f:
                content = f.read()
            for _ in range(ROUNDS):
                st, html, _ = request("GET", "/import", session)
                boundary = "hostile-bench-boundary"
                body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token(html)}\r\n"
                        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n").encode() + content + \
                       f"\r\n--{boundary}--\r\n".encode()
                t0 = time.time()
                st, _, _ = request("POST", "/import", session, body, f"multipart/form-data; boundary={boundary}")
                dt = time.time() - t0
            peak = status_kb(server.pid, "VmHWM")
            alive = request("GET", "/healthz")[0]
            rows.append((name, len(content), st, dt, peak, alive))
            log(f"{name:24} {len(content):>10} B  -> {st}  {dt:6.2f} s  peak {peak / 1024:7.1f} MB  healthz {alive}")
        print("| file | bytes | status | seconds (last upload) | server peak RSS after (MB) |")
        print("|---|---:|---:|---:|---:|")
        for name, size, st, dt, peak, alive in rows:
            print(f"| {name} | {size:,} | {st} | {dt:.2f} | {peak / 1024:.1f} |")
        print(f"\nidle peak {idle / 1024:.1f} MB; peak after the corpus {status_kb(server.pid, 'VmHWM') / 1024:.1f} MB")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
