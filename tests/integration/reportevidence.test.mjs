// Evidence files of a report over HTTP, on SQLite and PostgreSQL: a file
// attached to Phường Lê Chân's draft is listed on the report page (name,
// size, who attached it) for the ward and for the city (the approving
// level), downloads byte for byte with its type and name, is sent as a
// download when its type is not one a browser shows harmlessly, and
// answers 404 to a neighbouring ward and through another report.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loggedIn } from './fixture.mjs';
import { backends, startServer } from './lib.mjs';

const URL_LC = '/units/11383/reports/clc/2026';
// Bytes a text round trip would spoil: NUL, high bytes, CR LF.
const PDF = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34, 0x0a, 0x00, 0xff,
  0xfe, 0x80, 0x0d, 0x0a, 0x25, 0x25, 0x45, 0x4f, 0x46]);

async function attach(c, srv, name, type, bytes) {
  const fd = new FormData();
  fd.append('_csrf', c.csrf);
  fd.append('action', 'evidence');
  fd.append('file', new Blob([bytes], { type }), name);
  const r = await fetch(new URL(URL_LC, `${srv.url}/`), {
    method: 'POST', body: fd, headers: { cookie: c.cookieHeader() }, redirect: 'manual',
  });
  return r.status;
}

async function fetchRaw(c, url) {
  const r = await fetch(new URL(url, `${c.base}/`), {
    headers: { cookie: c.cookieHeader() }, redirect: 'manual',
  });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}

// The download links of the evidence table, in the page's order.
function links(html) {
  const table = /<table id="report-evidence-files">(.*?)<\/table>/s.exec(html);
  assert.ok(table, 'the evidence files are listed');
  return [...table[1].matchAll(/<a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ href: m[1], name: m[2] }));
}

for (const backend of backends()) {
  test(`report evidence on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const admin = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
    let res = await admin.post('/reports/assign', { form: 'clc', kind: 'commune', period: '2026' });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const off = await loggedIn(srv.url, 'canbo.lechan', { home: true });
    await off.get(URL_LC);

    let files;
    await t.test('attached files are listed with size and who attached them', async () => {
      assert.equal(await attach(off, srv, 'Biên bản kiểm tra.pdf', 'application/pdf', PDF), 303);
      assert.equal(await attach(off, srv, 'trang.html', 'text/html', '<script>alert(1)</script>'), 303);
      const page = await off.get(URL_LC);
      assert.equal(page.status, 200);
      assert.match(page.text, /Tệp đính kèm: 2/);
      files = links(page.text);
      assert.deepEqual(files.map((f) => f.name), ['Biên bản kiểm tra.pdf', 'trang.html']);
      for (const f of files) assert.match(f.href, /^\/units\/11383\/reports\/clc\/2026\/evidence\/\d+$/);
      const table = /<table id="report-evidence-files">(.*?)<\/table>/s.exec(page.text)[1];
      assert.match(table, new RegExp(`>${PDF.length} B<`));
      assert.match(table, /canbo\.lechan/);
      assert.match(table, /UTC/);
    });

    await t.test('the approving level and a viewer of the city see and open them', async () => {
      for (const login of ['hkh.haiphong', 'xem.haiphong']) {
        const c = await loggedIn(srv.url, login);
        const page = await c.get(URL_LC);
        assert.equal(page.status, 200, login);
        assert.deepEqual(links(page.text), files, login);
        const d = await fetchRaw(c, files[0].href);
        assert.equal(d.status, 200, login);
        assert.equal(d.headers.get('content-type'), 'application/pdf');
        assert.equal(d.headers.get('content-disposition'),
          `attachment; filename="evidence"; filename*=UTF-8''${encodeURIComponent('Biên bản kiểm tra.pdf')}`);
        assert.ok(d.body.equals(PDF), `${login}: the bytes are those attached`);
      }
    });

    await t.test('a type a browser would run is sent as a download', async () => {
      const d = await fetchRaw(off, files[1].href);
      assert.equal(d.status, 200);
      assert.equal(d.headers.get('content-type'), 'application/octet-stream');
      assert.equal(d.body.toString(), '<script>alert(1)</script>');
    });

    await t.test('out of scope, unknown or through another report: 404', async () => {
      const hb = await loggedIn(srv.url, 'canbo.hongbang', { home: true });
      assert.equal((await fetchRaw(hb, files[0].href)).status, 404);
      await hb.get('/units/11311/reports/clc/2026');
      const id = files[0].href.replace(/.*\//, '');
      assert.equal((await fetchRaw(hb, `/units/11311/reports/clc/2026/evidence/${id}`)).status, 404);
      assert.equal((await fetchRaw(off, `${URL_LC}/evidence/999999`)).status, 404);
      assert.equal((await fetchRaw(off, `${URL_LC}/evidence/abc`)).status, 404);
      assert.equal((await fetchRaw(off, `/units/11383/reports/clc/2025/evidence/${id}`)).status, 404);
      const anon = await fetchRaw({ base: srv.url, cookieHeader: () => '' }, files[0].href);
      assert.notEqual(anon.status, 200);
    });
  });
}
