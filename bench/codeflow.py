#!/usr/bin/env python3
"""Authorization codes and refresh tokens for bench/codeflow.sh, obtained the way a browser and an
MCP client obtain them: through the server's real authorization endpoint and login pages.

  codes     sign in once per session (a headless browser: cookie jar, manual redirects, the login
            and consent forms filled in), then ask the authorization endpoint again and again with
            the sessions in turn: each answer is a redirect to the client with a fresh code. Writes
            one "code verifier" pair per line, each code with its own PKCE verifier (S256).
  exchange  exchange such pairs at the token endpoint (public client) and write the refresh tokens,
            one per line: the seeds of the refresh-token chains.

Works for any server whose pages follow a plain-HTML form flow (Toolgate's HTML contract, Keycloak's
login theme): while the answer is 200 HTML, take the first <form>, send its inputs (username and
password filled in, checkboxes only when checked) and decision=allow when the form has that button;
stop at a redirect to the client's redirect_uri. Only the standard library, so it runs anywhere the
script does.
"""
import argparse
import base64
import hashlib
import html.parser
import http.client
import json
import multiprocessing
import os
import secrets
import sys
import time
import urllib.parse


def pkce_pair():
    verifier = secrets.token_urlsafe(48)  # 64 characters, RFC 7636 §4.1
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class FirstForm(html.parser.HTMLParser):
    """The first <form> of a page: its action, method and what a browser would submit."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.action = None
        self.method = "get"
        self.fields = []          # (name, value, type)
        self.buttons = []         # (name, value) of submit buttons
        self._in = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if self._done:
            return
        if tag == "form" and not self._in:
            self._in, self.action, self.method = True, a.get("action", ""), a.get("method", "get").lower()
        elif self._in and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "image", "button", "reset", "file"):
                if kind == "submit":
                    self.buttons.append((a["name"], a.get("value", "")))
                return
            self.fields.append((a["name"], a.get("value", ""), kind))
        elif self._in and tag == "button" and a.get("name") and a.get("type", "submit").lower() == "submit":
            self.buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form" and self._in:
            self._in, self._done = False, True


class Browser:
    """One keep-alive connection and a cookie jar (names only: one server, paths and flags ignored, as
    a test driver may; Keycloak marks some cookies Secure even over http on loopback)."""

    def __init__(self, base):
        self.base = urllib.parse.urlsplit(base)
        self.conn = None
        self.cookies = {}

    def request(self, method, url, body=None, headers=None):
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(urllib.parse.urlunsplit(self.base), url))
        if (parts.hostname, parts.port) != (self.base.hostname, self.base.port):
            raise SystemExit(f"the flow left the server: {url}")
        target = parts.path + ("?" + parts.query if parts.query else "")
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):  # once more on a connection the server had closed
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=30)
            try:
                self.conn.request(method, target, body, h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for header, value in r.getheaders():
            if header.lower() == "set-cookie":
                self._set_cookie(value)
        if r.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return r.status, r.getheader("Location"), data, urllib.parse.urlunsplit(parts)

    def _set_cookie(self, header):
        first, *attrs = header.split(";")
        name, _, value = first.strip().partition("=")
        gone = any(a.strip().lower() in ("max-age=0", "max-age=-1") or a.strip().lower().startswith("expires=thu, 01 jan 1970")
                   for a in attrs)
        if gone or value == "":
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value


def authorize_url(args, challenge, state):
    q = {"response_type": "code", "client_id": args.client_id, "redirect_uri": args.redirect_uri,
         "code_challenge": challenge, "code_challenge_method": "S256", "state": state}
    if args.resource:
        q["resource"] = args.resource
    if args.scope:
        q["scope"] = args.scope
    return args.authorize + "?" + urllib.parse.urlencode(q)


def code_from(location, args, state):
    if not location or not location.startswith(args.redirect_uri):
        return None
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    if q.get("state") != [state]:
        raise SystemExit(f"redirect with a wrong state: {location[:300]}")
    if "code" not in q:
        raise SystemExit(f"redirect without a code: {location[:300]}")
    return q["code"][0]


def one_code(browser, args, login_allowed):
    """A code for a fresh verifier; signs in (and consents) on the way when the server asks."""
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(12)
    status, location, body, url = browser.request("GET", authorize_url(args, challenge, state))
    for _ in range(10):
        if status in (301, 302, 303, 307, 308):
            code = code_from(location, args, state)
            if code:
                return code, verifier
            status, location, body, url = browser.request("GET", location)
            continue
        if status != 200 or not login_allowed:
            raise SystemExit(f"GET {url[:200]} answered {status} where a redirect with a code was expected: {body[:300]!r}")
        form = FirstForm()
        form.feed(body.decode("utf-8", "replace"))
        if form.action is None or form.method != "post":
            raise SystemExit(f"no POST form on the page of {url[:200]}: {body[:300]!r}")
        fields = []
        for name, value, kind in form.fields:
            if kind == "password":
                value = args.password
            elif name == "username":
                value = args.username
            fields.append((name, value))
        if ("decision", "allow") in form.buttons:
            fields.append(("decision", "allow"))
        status, location, body, url = browser.request(
            "POST", urllib.parse.urljoin(url, form.action), urllib.parse.urlencode(fields),
            {"Content-Type": "application/x-www-form-urlencoded"})
    raise SystemExit(f"no code after 10 steps of the flow at {url[:200]}")


def codes_worker(args, index, count, out, ready):
    """This worker's share of the codes, asked for in turn with each of its sessions (cookie jars,
    kept in --sessions-dir between runs: a session signs in once, on its first code)."""
    browser = Browser(args.authorize)
    jars = []
    for j in range(index, args.sessions, args.workers) if not args.login_each else [index]:
        path = os.path.join(args.sessions_dir, f"{j}.json") if args.sessions_dir and not args.login_each else None
        cookies = {}
        if path and os.path.exists(path):
            with open(path) as f:
                cookies = json.load(f)
        jars.append([path, cookies, not cookies])   # path, cookies, may still sign in
    lines = []
    for n in range(count):
        jar = jars[n % len(jars)]
        browser.cookies = {} if args.login_each else jar[1]   # --login-each: a new browser each time
        lines.append(" ".join(one_code(browser, args, jar[2] or args.login_each)))
        jar[1], jar[2] = browser.cookies, False
        if n == 0 and ready is not None:
            ready.set()   # signed in (and consented) once: the other workers may start
    for path, cookies, _ in jars:
        if path:
            with open(path, "w") as f:
                json.dump(cookies, f)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def cmd_codes(args):
    args.workers = max(1, min(args.workers, args.count))
    args.sessions = max(args.sessions, args.workers)
    if args.sessions_dir:
        os.makedirs(args.sessions_dir, exist_ok=True)
    parts = [f"{args.out}.part{i}" for i in range(args.workers)]
    shares = [args.count // args.workers + (1 if i < args.count % args.workers else 0) for i in range(args.workers)]
    # The first worker signs in and consents alone; the others then find the consent remembered.
    first_ready = multiprocessing.Event()
    procs = [multiprocessing.Process(target=codes_worker, args=(args, 0, shares[0], parts[0], first_ready))]
    procs[0].start()
    while not first_ready.wait(0.2):
        if not procs[0].is_alive():
            raise SystemExit("the first worker failed before its first code")
    for i in range(1, args.workers):
        procs.append(multiprocessing.Process(target=codes_worker, args=(args, i, shares[i], parts[i], None)))
        procs[-1].start()
    failed = 0
    for p in procs:
        p.join()
        failed += p.exitcode != 0
    if failed:
        raise SystemExit(f"{failed} code worker(s) failed")
    with open(args.out, "w") as out:
        for p in parts:
            with open(p) as f:
                out.write(f.read())
            os.remove(p)


def cmd_exchange(args):
    token = urllib.parse.urlsplit(args.token)
    conn = http.client.HTTPConnection(token.hostname, token.port, timeout=30)
    seeds = []
    with open(args.codes) as f:
        pairs = [line.split() for line in f if line.strip()]
    for code, verifier in pairs:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": args.redirect_uri,
                "code_verifier": verifier, "client_id": args.client_id}
        if args.resource:
            form["resource"] = args.resource
        conn.request("POST", token.path, urllib.parse.urlencode(form), {"Content-Type": "application/x-www-form-urlencoded"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise SystemExit(f"code exchange answered {r.status}: {body[:300]!r}")
        seeds.append(json.loads(body)["refresh_token"])
    with open(args.out, "w") as f:
        f.write("\n".join(seeds) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("codes")
    c.add_argument("--authorize", required=True, help="authorization endpoint URL")
    c.add_argument("--username", required=True)
    c.add_argument("--password-env", required=True, help="environment variable holding the password")
    c.add_argument("--count", type=int, required=True)
    c.add_argument("--workers", type=int, default=4, help="processes asking in parallel (default 4)")
    c.add_argument("--sessions", type=int, default=0, help="signed-in sessions the codes are spread over (default: one per worker)")
    c.add_argument("--sessions-dir", default="", help="keep the sessions' cookies here, for the next call")
    c.add_argument("--login-each", action="store_true", help="sign in again for every code (a new session each)")
    e = sub.add_parser("exchange")
    e.add_argument("--token", required=True, help="token endpoint URL")
    e.add_argument("--codes", required=True, help="file of 'code verifier' lines")
    for s in (c, e):
        s.add_argument("--client-id", required=True)
        s.add_argument("--redirect-uri", required=True)
        s.add_argument("--resource", default="", help="RFC 8707 resource (omitted when empty)")
        s.add_argument("--out", required=True)
    c.add_argument("--scope", default="")
    args = p.parse_args()
    if args.cmd == "codes":
        args.password = os.environ.get(args.password_env, "")
        if not args.password:
            raise SystemExit(f"${args.password_env} is empty")
        cmd_codes(args)
    else:
        cmd_exchange(args)


if __name__ == "__main__":
    t0 = time.monotonic()
    main()
    print(f"codeflow.py: {time.monotonic() - t0:.1f} s", file=sys.stderr)
