// The people registry over HTTP: residents in Vietnamese order, masked CCCD
// for viewers, and importing a messy list through the preview, on SQLite and
// PostgreSQL; the command-line import and list.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { loggedIn } from './fixture.mjs';
import { backends, runCli, startServer } from './lib.mjs';

const LIST = [
  'DANH SÁCH NHÂN KHẨU;;;;;;;',
  'STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD/CMND;Quan hệ với chủ hộ;Mã hộ;Thôn/Tổ dân phố',
  '1;Khổng Văn Toàn;05/03/1975;Nam;31075009876;Chủ hộ;K01;11383-TDP05',
  '2;Khổng Thị Ngân;1978;Nữ;;Vợ;K01;Tổ dân phố số 5',
  '3;Khổng Minh Quân;31/02/2005;Nam;;Con;K01;11383-TDP05',
  '4;Khổng Thị Thu;01/01/2008;Nữ;12345;Con;K01;11383-TDP05',
].join('\r\n') + '\r\n';

async function upload(c, unit, name, text) {
  const form = new FormData();
  form.append('_csrf', c.csrf);
  form.append('file', new Blob([text], { type: 'text/csv' }), name);
  return c.request('POST', `/units/${unit}/import`, { body: form });
}

for (const backend of backends()) {
  test(`people on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });

    await t.test('the demo residents are listed in Vietnamese name order', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      const res = await c.get('/units/11383/people');
      assert.equal(res.status, 200);
      const total = Number(res.text.match(/id="people-total">\((\d+)\)/)[1]);
      assert.ok(total > 100, `total ${total}`);
      const r = await runCli(['people', 'list', '--unit', '11383', '--format', 'json'], { db: srv.db });
      assert.equal(r.code, 0, r.stderr);
      const people = JSON.parse(r.stdout);
      assert.equal(people.length, total);
      // Given names in order ("An" before "Ánh" before "Bình" ...).
      const coll = new Intl.Collator('vi');
      const given = people.map((p) => p.full_name.split(' ').pop());
      for (let i = 1; i < given.length; i++) {
        assert.ok(coll.compare(given[i - 1], given[i]) <= 0, `${given[i - 1]} then ${given[i]}`);
      }
    });

    await t.test('a viewer sees CCCD numbers masked, an officer whole', async () => {
      const off = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      const full = (await off.get('/units/11383/people')).text.match(/<td class="code">(\d{12})<\/td>/);
      assert.ok(full, 'an officer sees a whole number');
      const v = await loggedIn(srv.url, 'xem.haiphong', { home: true });
      const page = (await v.get('/units/11383/people')).text;
      assert.doesNotMatch(page, /<td class="code">\d{12}<\/td>/);
      assert.match(page, /<td class="code">\*{9}\d{3}<\/td>/);
    });

    await t.test('another commune\'s residents are refused', async () => {
      const c = await loggedIn(srv.url, 'canbo.hongbang', { home: true });
      assert.equal((await c.get('/units/11383/people')).status, 403);
      assert.equal((await c.get('/units/11383/import')).status, 403);
    });

    await t.test('an import is previewed, the good rows kept, and a retry duplicates nothing', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383/import');
      let res = await upload(c, '11383', 'nhan-khau.csv', LIST);
      assert.equal(res.status, 200, res.text.slice(0, 300));
      assert.match(res.text, /id="count-refused">2</);
      assert.match(res.text, /id="count-imported">2</);
      // The mapping says how each column was read.
      assert.match(res.text, /<td>Số CCCD\/CMND<\/td><td>Số CCCD\/CMND<\/td>/);
      // Each refused row with its number and reason.
      assert.match(res.text, /<td class="num">5<\/td><td>Ngày sinh<\/td>/);
      assert.match(res.text, /<td class="num">6<\/td><td>Số CCCD\/CMND<\/td>/);
      // The preview recorded nothing.
      let list = await c.get('/units/11383/people?q=khong');
      assert.match(list.text, /id="people-total">\(0\)/);
      // The refused rows come back as an .xlsx.
      const token = res.text.match(/action="\/units\/11383\/import\/([0-9a-f]{32})"/)[1];
      const xlsx = await fetch(`${srv.url}/units/11383/import/${token}/errors.xlsx`,
        { headers: { cookie: c.cookieHeader() } });
      assert.equal(xlsx.status, 200);
      assert.match(xlsx.headers.get('content-type'), /spreadsheetml/);
      const bytes = Buffer.from(await xlsx.arrayBuffer());
      assert.equal(bytes.subarray(0, 2).toString(), 'PK');
      // Another account cannot use the token.
      const mgr = await loggedIn(srv.url, 'quanly.lechan', { home: true });
      assert.equal((await mgr.post(`/units/11383/import/${token}`, { mode: 'good-rows' })).status, 404);
      // Import the good rows, twice.
      res = await c.post(`/units/11383/import/${token}`, { mode: 'good-rows' });
      assert.equal(res.status, 200);
      assert.match(res.text, /id="count-imported">2</);
      res = await c.post(`/units/11383/import/${token}`, { mode: 'good-rows' });
      assert.match(res.text, /id="count-imported">0</);
      assert.match(res.text, /id="count-unchanged">2</);
      list = await c.get('/units/11383/people?q=khong');
      assert.match(list.text, /id="people-total">\(2\)/);
      assert.match(list.text, /031075009876/);
    });

    await t.test('all-or-nothing keeps a file with refused rows out', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383/import');
      const res = await upload(c, '11383', 'ds.csv', LIST.replace(/Khổng/g, 'Đinh'));
      const token = res.text.match(/\/import\/([0-9a-f]{32})/)[1];
      const done = await c.post(`/units/11383/import/${token}`, { mode: 'all' });
      assert.match(done.text, /Chưa nhập được gì/);
      const list = await c.get('/units/11383/people?q=dinh');
      assert.match(list.text, /id="people-total">\(0\)/);
    });

    await t.test('a file that is not a list is refused with a clear message', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383/import');
      const res = await upload(c, '11383', 'x.csv', 'Mã;Địa chỉ\n1;2\n');
      assert.equal(res.status, 400);
      assert.match(res.text, /Họ và tên|ho va ten/);
    });
  });
}

test('the command line imports a list and reports refused rows', async () => {
  const srv = await startServer({ backend: backends()[0] });
  const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-cli-'));
  try {
    const file = path.join(dir, 'list.csv');
    fs.writeFileSync(file, '\uFEFF' + LIST);
    const errors = path.join(dir, 'errors.xlsx');
    let r = await runCli(['import', 'people', file, '--unit', '11383', '--dry-run'], { db: srv.db });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /2/);
    r = await runCli(['import', 'people', file, '--unit', '11383', '--mode', 'good-rows',
      '--errors', errors], { db: srv.db });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(fs.existsSync(errors));
    assert.match(r.stderr, /5/);
    r = await runCli(['import', 'people', file, '--unit', '11383', '--mode', 'good-rows'], { db: srv.db });
    assert.match(r.stdout, /Không thay đổi: 2/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await srv.stop();
  }
});
