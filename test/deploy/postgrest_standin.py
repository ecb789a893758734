#!/usr/bin/env python3
"""A STAND-IN for PostgREST 12, for tests only -- not PostgREST, not for use.

PostgREST cannot be installed on the test machines.  This small server plays
PostgREST's part for the RPC calls nginx.conf makes, with the per-request SQL
that README.md in this folder describes, one transaction per request:

    BEGIN [READ ONLY for GET]
    SET LOCAL ROLE <the JWT's role claim>
    set_config('request.jwt.claims', <the JWT's claims>, true)
    set_config('request.headers', <every header, names in lower case>, true)
    set_config('request.method', <method>, true)
    set_config('request.path', <path>, true)
    SELECT verwerkingenlog_api.<function>()          -- no parameters
      or   verwerkingenlog_api.<function>($1::jsonb) -- the raw body
    current_setting('response.status'), current_setting('response.headers')
    COMMIT

It answers with that status (200 when unset), those headers (Content-Type
application/json unless they set one), and the function's jsonb result as
the body (none for 204).  What it does NOT do, unlike PostgREST: verify the
JWT's signature (it only decodes the claims), named arguments, filters,
Prefer, pooling.  Its own errors imitate PostgREST's codes (PGRST102 for a
body that is not JSON, PGRST202 for an unknown function, 401 without a JWT).

    postgrest_standin.py PORT        (libpq's PGHOST etc. name the database;
                                      it logs in as PGUSER, e.g. authenticator)
"""
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
from psycopg2 import sql


def claims_of(authorization):
    """The claims of a Bearer JWT, decoded (not verified: a stand-in)."""
    if not authorization or not authorization.startswith('Bearer '):
        return None
    try:
        payload = authorization[7:].split('.')[1]
        payload += '=' * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload))
        return claims if isinstance(claims, dict) and isinstance(claims.get('role'), str) else None
    except (IndexError, ValueError):
        return None


class StandIn(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    functions = {}          # name -> number of arguments, read once at start

    def setup(self):
        super().setup()
        self.db = psycopg2.connect('')     # one session per TCP connection
        self.db.autocommit = True

    def finish(self):
        super().finish()
        self.db.close()

    def answer(self, status, body, headers=()):
        data = b'' if body is None or status == 204 else body.encode()
        self.send_response(status)
        names = {k.lower() for k, _ in headers}
        if 'content-type' not in names and data:
            self.send_header('Content-Type', 'application/json; charset=utf-8')
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def pgrst_error(self, status, code, message):
        self.answer(status, json.dumps({'code': code, 'message': message, 'details': None, 'hint': None}))

    def call(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n).decode('utf-8', 'replace') if n else ''
        path = self.path.split('?', 1)[0]
        if not path.startswith('/rpc/') or path[5:] not in self.functions:
            return self.pgrst_error(404, 'PGRST202', 'Could not find the function in the schema cache')
        function, nargs = path[5:], self.functions[path[5:]]
        claims = claims_of(self.headers.get('Authorization'))
        if claims is None:
            return self.pgrst_error(401, 'PGRST301', 'JWT missing or invalid')
        if self.command == 'POST':
            try:
                document = json.loads(body) if body else None
            except ValueError:
                return self.pgrst_error(400, 'PGRST102', 'Empty or invalid json')
            if nargs == 0 and document not in ({}, None):
                return self.pgrst_error(404, 'PGRST202', 'Could not find the function with these parameters')
        elif self.command != 'GET':
            return self.pgrst_error(405, 'PGRST117', 'Unsupported HTTP method')
        headers = {k.lower(): v for k, v in self.headers.items()}
        call = sql.SQL('SELECT verwerkingenlog_api.{}({})').format(
            sql.Identifier(function), sql.SQL('%s::jsonb') if nargs == 1 else sql.SQL(''))
        cur = self.db.cursor()
        try:
            cur.execute('BEGIN READ ONLY' if self.command == 'GET' else 'BEGIN')
            cur.execute(sql.SQL('SET LOCAL ROLE {}').format(sql.Identifier(claims['role'])))
            cur.execute("SELECT set_config('request.jwt.claims', %s, true), set_config('request.headers', %s, true),"
                        " set_config('request.method', %s, true), set_config('request.path', %s, true),"
                        " set_config('request.cookies', '{}', true)",
                        (json.dumps(claims), json.dumps(headers), self.command, path))
            cur.execute(call, (body if body else None,) if nargs == 1 else ())
            (result,) = cur.fetchone()
            cur.execute("SELECT current_setting('response.status', true), current_setting('response.headers', true)")
            status, extra = cur.fetchone()
            cur.execute('COMMIT')
        except psycopg2.Error as e:
            cur.execute('ROLLBACK')
            status = 403 if e.pgcode == '42501' else 400 if (e.pgcode or '').startswith('22') else 500
            return self.pgrst_error(status, e.pgcode, e.pgerror)
        status = int(status) if status else 200
        extra = [(k, v) for h in json.loads(extra or '[]') for k, v in h.items()]
        self.answer(status, None if result is None else json.dumps(result), extra)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = call

    def log_message(self, *args):
        pass


def main():
    with psycopg2.connect('') as db, db.cursor() as cur:
        cur.execute("SELECT proname, pronargs FROM pg_proc WHERE pronamespace = 'verwerkingenlog_api'::regnamespace")
        StandIn.functions = dict(cur.fetchall())
    server = ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), StandIn)
    server.daemon_threads = True
    threading.current_thread().name = 'postgrest-standin'
    server.serve_forever()


if __name__ == '__main__':
    main()
