// Helpers for the integration tests: databases, the real server, the CLI and
// a small cookie-aware HTTP client. Node's standard library only.
//
//   import { backends, startServer, client } from './lib.mjs';
//   for (const backend of backends()) {
//     test(`healthz on ${backend.name}`, async (t) => {
//       const srv = await startServer({ backend, t });
//       const res = await client(srv.url).get('/healthz');
//       assert.equal(res.status, 200);
//     });
//   }
//
// Environment:
//   KH_BIN                    the binary under test (default build/khuyenhoc,
//                             relative to the repository root)
//   KHUYENHOC_TEST_PG_ADMIN   superuser URL of a PostgreSQL cluster; when set,
//                             backends() includes PostgreSQL
//   KHUYENHOC_TEST_PG         URL of the role that owns the test databases
//                             (default: the admin URL's user)
//   KH_TEST_CACHE             folder shared by the test processes of one run
//                             to keep template databases (tests/run.sh makes
//                             it); without it each process builds its own
//   KH_PSQL                   the psql program (default psql)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const READY_TIMEOUT_MS = 60_000;	// sanitizer builds start slowly
const STOP_GRACE_MS = 5_000;
const CLI_TIMEOUT_MS = 300_000;
const TEMPLATE_WAIT_MS = 600_000;
const KEEP_OUTPUT = 1 << 20;		// bytes of stdout/stderr kept per process

/** The binary under test, as an absolute path. */
export function binPath() {
  return path.resolve(ROOT, process.env.KH_BIN || 'build/khuyenhoc');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const randomHex = (n) => crypto.randomBytes(n).toString('hex');

// ---------------------------------------------------------------------------
// Per-process scratch folder and cleanup of whatever is still running.

let scratchDir = null;
const liveChildren = new Set();
const exitDrops = [];		// PostgreSQL databases to drop at exit

function scratch() {
  if (scratchDir === null) {
    // Inside the run's cache folder when there is one: tests/run.sh removes
    // it even when this process is killed.
    const parent = process.env.KH_TEST_CACHE || os.tmpdir();
    fs.mkdirSync(parent, { recursive: true });
    scratchDir = fs.mkdtempSync(path.join(parent, 'khuyenhoc-it-'));
  }
  return scratchDir;
}

process.on('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const name of exitDrops) {
    psqlSync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  if (scratchDir !== null) {
    fs.rmSync(scratchDir, { recursive: true, force: true });
  }
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
}

/** Environment for the binary: the caller's, without settings that would
 *  point it at another catalogue or database. */
function childEnv(extra) {
  const env = { ...process.env };
  delete env.KHUYENHOC_LOCALEDIR;
  delete env.KHUYENHOC_DB;
  return { ...env, ...(extra || {}) };
}

// Keep the last KEEP_OUTPUT bytes of a stream.
function collect(stream) {
  const box = { text: '', onData: null };
  stream.setEncoding('utf8');
  stream.on('data', (chunk) => {
    box.text += chunk;
    if (box.text.length > KEEP_OUTPUT) box.text = box.text.slice(-KEEP_OUTPUT);
    if (box.onData) box.onData(chunk);
  });
  return box;
}

// ---------------------------------------------------------------------------
// Backends and databases.

/**
 * The database backends to run against: SQLite always, PostgreSQL when
 * KHUYENHOC_TEST_PG_ADMIN is set. `url` is where that backend's databases
 * are made: "sqlite:" (a fresh file each time) or the admin URL.
 */
export function backends() {
  const list = [{ name: 'sqlite', url: 'sqlite:' }];
  if (process.env.KHUYENHOC_TEST_PG_ADMIN) {
    list.push({ name: 'postgresql', url: process.env.KHUYENHOC_TEST_PG_ADMIN });
  }
  return list;
}

function resolveBackend(backend) {
  if (backend === undefined) return backends()[0];
  if (typeof backend === 'string') {
    const found = backends().find((b) => b.name === backend);
    if (!found) throw new Error(`backend ${backend} is not available`);
    return found;
  }
  return backend;
}

function pgAdminUrl() {
  const url = process.env.KHUYENHOC_TEST_PG_ADMIN;
  if (!url) throw new Error('KHUYENHOC_TEST_PG_ADMIN is not set');
  return url;
}

// URL of database `name` for the role that owns the test databases.
function pgUrlFor(name) {
  const u = new URL(process.env.KHUYENHOC_TEST_PG || pgAdminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

function pgOwner() {
  const u = new URL(process.env.KHUYENHOC_TEST_PG || pgAdminUrl());
  return decodeURIComponent(u.username) || 'postgres';
}

function psqlArgs(sql) {
  return ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', pgAdminUrl(), '-c', sql];
}

function psqlSync(sql) {
  try {
    return spawnSync(process.env.KH_PSQL || 'psql', psqlArgs(sql), {
      stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 30_000,
    });
  } catch {
    return null;
  }
}

/** Run one SQL statement as the PostgreSQL superuser. */
export async function psql(sql) {
  const r = await run(process.env.KH_PSQL || 'psql', psqlArgs(sql), { timeout: 60_000 });
  if (r.code !== 0) {
    throw new Error(`psql failed (${r.code ?? r.signal}): ${sql}\n${r.stderr}`);
  }
  return r.stdout;
}

// CREATE DATABASE ... TEMPLATE fails while anyone is connected to the
// template, e.g. a backend of a client that just exited: retry a while.
async function pgCreateDatabase(name, template) {
  const owner = `"${pgOwner().replace(/"/g, '""')}"`;
  const sql = template
    ? `CREATE DATABASE ${name} TEMPLATE ${template} OWNER ${owner}`
    : `CREATE DATABASE ${name} OWNER ${owner}`;
  for (let i = 0; ; i++) {
    try {
      await psql(sql);
      return;
    } catch (e) {
      if (i >= 50 || !/being accessed by other users/.test(e.message)) throw e;
      await sleep(100);
    }
  }
}


function copySqlite(from, to) {
  fs.copyFileSync(from, to);
  for (const suffix of ['-wal']) {
    if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
  }
}

function removeSqlite(file) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    fs.rmSync(file + suffix, { force: true });
  }
}

// ---------------------------------------------------------------------------
// Template databases: units and demo data loaded once, then copied.

const templates = new Map();	// key -> Promise<{file} | {name}>

function templateKey(backend) {
  const bin = binPath();
  let stamp = 'missing';
  try { stamp = String(fs.statSync(bin).mtimeMs); } catch { /* reported later */ }
  const h = crypto.createHash('sha256');
  h.update(`${backend.name}\n${backend.url}\n${bin}\n${stamp}`);
  return `${backend.name}-${h.digest('hex').slice(0, 16)}`;
}

function cacheDir() {
  const dir = process.env.KH_TEST_CACHE;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    return { dir, shared: true };
  }
  return { dir: scratch(), shared: false };
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

// Take the lock file, waiting for another process that holds it; false when
// the template became ready meanwhile.
async function takeLock(lock, done, deadline) {
  for (;;) {
    if (fs.existsSync(done)) return false;
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return true;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try { holder = Number(fs.readFileSync(lock, 'utf8')); } catch { /* just released */ }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      fs.rmSync(lock, { force: true });	// its holder died
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for the template lock ${lock}`);
    }
    await sleep(200);
  }
}

async function buildTemplate(backend, key, dir) {
  const bin = binPath();
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: build it first`);
  let info;
  let url;
  if (backend.name === 'sqlite') {
    const file = path.join(dir, `${key}.sqlite`);
    removeSqlite(file);
    info = { file };
    url = `sqlite:${file}`;
  } else {
    const name = `kh_tmpl_${key.replace(/[^a-z0-9]/g, '_')}`;
    await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await pgCreateDatabase(name, null);
    info = { name };
    url = pgUrlFor(name);
  }
  for (const args of [['units', 'import'], ['demo']]) {
    const r = await runCli(args, { db: url });
    if (r.code !== 0) {
      throw new Error(`template for ${backend.name}: \`khuyenhoc ${args.join(' ')}\` ` +
        `exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    }
  }
  return info;
}

/**
 * Make sure the template database of `backend` exists: `khuyenhoc units
 * import` then `khuyenhoc demo`, once per run (shared between test processes
 * through KH_TEST_CACHE and a lock file). Returns {file} (SQLite) or {name}
 * (PostgreSQL database name).
 */
export function prepareTemplate(backend) {
  backend = resolveBackend(backend);
  const key = templateKey(backend);
  if (!templates.has(key)) {
    const p = (async () => {
      const { dir, shared } = cacheDir();
      const done = path.join(dir, `${key}.ready`);
      const failed = path.join(dir, `${key}.failed`);
      const lock = path.join(dir, `${key}.lock`);
      const deadline = Date.now() + TEMPLATE_WAIT_MS;
      for (;;) {
        if (fs.existsSync(failed)) {
          throw new Error(`template for ${backend.name} (built by another test process):\n` +
            fs.readFileSync(failed, 'utf8'));
        }
        if (fs.existsSync(done)) return JSON.parse(fs.readFileSync(done, 'utf8'));
        if (!(await takeLock(lock, done, deadline))) continue;
        try {
          if (fs.existsSync(done)) continue;
          let info;
          try {
            info = await buildTemplate(backend, key, dir);
          } catch (e) {
            if (shared) fs.writeFileSync(failed, e.message);
            throw e;
          }
          if (!shared && info.name) exitDrops.push(info.name);
          fs.writeFileSync(`${done}.tmp`, JSON.stringify(info));
          fs.renameSync(`${done}.tmp`, done);
          return info;
        } finally {
          fs.rmSync(lock, { force: true });
        }
      }
    })();
    templates.set(key, p);
  }
  return templates.get(key);
}

/**
 * A fresh database with units and demo data: {url, drop()}. Pass
 * {empty: true} for a database without them (the server migrates it).
 */
export async function freshDatabase(backend, { empty = false } = {}) {
  backend = resolveBackend(backend);
  const tmpl = empty ? null : await prepareTemplate(backend);
  if (backend.name === 'sqlite') {
    const file = path.join(scratch(), `db-${randomHex(6)}.sqlite`);
    if (tmpl) copySqlite(tmpl.file, file);
    return { url: `sqlite:${file}`, drop: async () => removeSqlite(file) };
  }
  const name = `kh_t_${randomHex(6)}`;
  await pgCreateDatabase(name, tmpl ? tmpl.name : null);
  return {
    url: pgUrlFor(name),
    drop: () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

// ---------------------------------------------------------------------------
// Processes.

function run(cmd, args, { input, env, timeout = CLI_TIMEOUT_MS, cwd = ROOT } = {}) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, signal: null, stdout: '', stderr: String(e) });
      return;
    }
    liveChildren.add(child);
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    let spawnError = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (e) => { spawnError = e; });
    child.stdin.on('error', () => { /* the child may not read its input */ });
    child.stdin.end(input === undefined ? '' : input);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      const stderr = spawnError ? `${err.text}${spawnError}` : err.text;
      resolve({ code, signal, stdout: out.text, stderr });
    });
  });
}

/**
 * Run the CLI: `khuyenhoc ARGS --db DB`, with `input` on its standard input.
 * Resolves {code, signal, stdout, stderr} (code is null when killed).
 */
export function runCli(args, { db, input, env } = {}) {
  const argv = [...args];
  if (db) argv.push('--db', db);
  return run(binPath(), argv, { input, env: childEnv(env) });
}

/**
 * Start `khuyenhoc serve` on a fresh copy of the template database of
 * `backend` (or on `db`, a URL, when given). Resolves
 * {url, db, stop(), stderr(), stdout(), process}. stop() sends SIGTERM
 * (SIGKILL after 5 s), removes the database it made, and rejects when the
 * server did not exit with status 0, with its stderr in the message. With
 * `t` (a node:test context) stop() runs by itself after the test.
 */
export async function startServer({ backend, env, db, empty, t, args = [] } = {}) {
  backend = resolveBackend(backend);
  let database = null;
  let dbUrl = db;
  if (!dbUrl) {
    database = await freshDatabase(backend, { empty });
    dbUrl = database.url;
  }
  const bin = binPath();
  const argv = ['serve', '--db', dbUrl, '--listen', '127.0.0.1:0', ...args];
  const child = spawn(bin, argv, {
    cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const out = collect(child.stdout);
  const err = collect(child.stderr);
  let exit = null;
  const exited = new Promise((resolve) => {
    child.on('error', (e) => {
      err.text += `\n${e}`;
      exit = { code: null, signal: null, error: e };
      liveChildren.delete(child);
      resolve(exit);
    });
    child.on('close', (code, signal) => {
      exit = exit || { code, signal };
      liveChildren.delete(child);
      resolve(exit);
    });
  });

  const describeExit = (e) => (e.error ? String(e.error)
    : e.signal ? `was killed by ${e.signal}` : `exited with status ${e.code}`);

  let stopping = null;
  const stop = () => {
    if (stopping) return stopping;
    stopping = (async () => {
      let killed = false;
      if (exit === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => { killed = true; child.kill('SIGKILL'); }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      const e = exit;
      if (database) {
        try { await database.drop(); } catch { /* the folder goes at exit anyway */ }
      }
      if (killed) {
        throw new Error(`server did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM\n` +
          `--- stderr\n${err.text}`);
      }
      if (e.code !== 0) {
        throw new Error(`server ${describeExit(e)} (expected 0 after SIGTERM)\n--- stderr\n${err.text}`);
      }
    })();
    return stopping;
  };

  // Wait for "listening on http://...".
  const url = await new Promise((resolve, reject) => {
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out.text);
      if (m) {
        out.onData = null;
        resolve(m[1].replace(/\/+$/, ''));
        return true;
      }
      return false;
    };
    if (check()) return;
    out.onData = () => { check(); };
    const timer = setTimeout(() => {
      out.onData = null;
      reject(new Error(`server did not print "listening on http://..." within ` +
        `${READY_TIMEOUT_MS / 1000} s\n--- stdout\n${out.text}\n--- stderr\n${err.text}`));
    }, READY_TIMEOUT_MS);
    exited.then((e) => {
      clearTimeout(timer);
      if (!check()) {
        reject(new Error(`server ${describeExit(e)} before listening: ${bin} ${argv.join(' ')}\n` +
          `--- stdout\n${out.text}\n--- stderr\n${err.text}`));
      }
    });
  }).catch(async (e) => {
    try { await stop(); } catch { /* already reported */ }
    throw e;
  });

  const server = {
    url,
    db: dbUrl,
    backend,
    process: child,
    stop,
    stderr: () => err.text,
    stdout: () => out.text,
  };
  if (t) t.after(() => stop());
  return server;
}

// ---------------------------------------------------------------------------
// HTTP client with cookies and the CSRF token.

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
    const l = e.toLowerCase();
    if (l === 'amp') return '&';
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    if (l.startsWith('#x')) return String.fromCodePoint(parseInt(l.slice(2), 16));
    return String.fromCodePoint(parseInt(l.slice(1), 10));
  });
}

function attr(tag, name) {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3]) : null;
}

/** The CSRF token of a page: <meta name="csrf-token"> or <input name="_csrf">. */
export function findCsrf(html) {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (attr(m[0], 'name') === 'csrf-token') {
      const v = attr(m[0], 'content');
      if (v !== null) return v;
    }
  }
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    if (attr(m[0], 'name') === '_csrf') {
      const v = attr(m[0], 'value');
      if (v !== null) return v;
    }
  }
  return null;
}

class Client {
  constructor(base) {
    this.base = base.replace(/\/+$/, '');
    this.cookies = new Map();
    this.csrf = null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  storeCookies(headers) {
    // getSetCookie() is missing from older Node releases; there the joined
    // header is split before each "name=" (the server sends no Expires, whose
    // dates hold commas).
    const joined = headers.get('set-cookie');
    const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie()
      : joined ? joined.split(/,\s*(?=[^;,=\s]+=)/) : [];
    for (const line of list) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let expired = false;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=').map((s) => s.trim());
        if (/^max-age$/i.test(k) && Number(v) <= 0) expired = true;
        if (/^expires$/i.test(k) && Date.parse(v) < Date.now()) expired = true;
      }
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Any request: {headers, body}; never follows redirects. */
  async request(method, pathname, { headers = {}, body } = {}) {
    const h = new Headers(headers);
    if (this.cookies.size > 0 && !h.has('cookie')) h.set('cookie', this.cookieHeader());
    const res = await fetch(new URL(pathname, `${this.base}/`), {
      method, headers: h, body, redirect: 'manual',
    });
    this.storeCookies(res.headers);
    const text = await res.text();
    const type = res.headers.get('content-type') || '';
    let json;
    if (/\bjson\b/i.test(type)) {
      try { json = JSON.parse(text); } catch { json = undefined; }
    }
    if (/html/i.test(type)) {
      const token = findCsrf(text);
      if (token !== null) this.csrf = token;
    }
    return {
      status: res.status,
      headers: res.headers,
      location: res.headers.get('location'),
      text,
      json,
    };
  }

  get(pathname, { headers } = {}) {
    return this.request('GET', pathname, { headers });
  }

  /** POST a form (object; an array value repeats the field), adding _csrf. */
  post(pathname, form = {}, { headers = {}, csrf = true } = {}) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) {
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, String(one));
    }
    if (csrf && this.csrf !== null && !body.has('_csrf')) body.append('_csrf', this.csrf);
    return this.request('POST', pathname, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: body.toString(),
    });
  }

  /** A JSON API call; `token` goes in Authorization: Bearer. */
  json(method, pathname, body, { token, headers = {} } = {}) {
    const h = { accept: 'application/json', ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    else if (this.csrf !== null) h['x-csrf-token'] = this.csrf;
    let payload;
    if (body !== undefined && body !== null) {
      h['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    return this.request(method, pathname, { headers: h, body: payload });
  }

  /** GET /login (for the token), then POST /login; returns that response. */
  async login(login, password) {
    await this.get('/login');
    return this.post('/login', { login, password });
  }
}

/** A client bound to a server's base URL. */
export function client(base) {
  return new Client(base);
}

// The text of one entry of a .zip file (an .xlsx is one), or null when the
// file has no such entry: enough of the format (central directory, stored or
// deflated entries) to read back what an export wrote.
export function zipEntry(buf, name) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const entry = buf.subarray(p + 46, p + 46 + nameLen).toString();
    if (entry === name) {
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + size);
      return (method === 8 ? zlib.inflateRawSync(data) : data).toString('utf8');
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
  return null;
}
