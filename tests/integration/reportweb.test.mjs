// Reports in the browser's pages and the reports API, on SQLite and
// PostgreSQL, over the demo data set but on periods the demo does not fill
// (the community learning centre form for 2026 and 2024): the form opens
// with the known figures and their source; an invalid save keeps what was
// typed and shows each problem next to its field; a submit with problems is
// refused; submit, return with a comment, resubmit, approve by the right
// level (the city, also for an old ward's 2024 report submitted now); refusals for a
// viewer and for another commune's manager; an approved report is locked
// and reopening it needs a reason; completeness lists missing and late
// units; the consolidated report sums two communes' approved reports, read
// back from the page, JSON, CSV, .xlsx and PDF (pdftotext).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { PW, loggedIn } from './fixture.mjs';
import { backends, runCli, startServer, zipEntry } from './lib.mjs';

async function download(c, pathname) {
  const res = await fetch(new URL(pathname, `${c.base}/`), {
    headers: { cookie: c.cookieHeader() }, redirect: 'manual',
  });
  return { status: res.status, type: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()) };
}

// The block of the page for one field.
function fieldBlock(html, code) {
  const start = html.indexOf(`data-field="${code}"`);
  assert.ok(start >= 0, `field ${code} on the page`);
  const end = html.indexOf('<div class="field', start + 10);
  return html.slice(start, end < 0 ? start + 2000 : end);
}

function state(html) {
  const m = html.match(/id="report-state" data-state="([a-z]+)"/);
  assert.ok(m, 'the state is shown');
  return m[1];
}

function yesterday() {
  const d = new Date(Date.now() - 86400000);
  return d.toISOString().slice(0, 10);
}

const GOOD_LECHAN = {
  'v.staff': '6', 'v.classes': '12', 'v.participants': '300', 'v.literacy': '4',
  'v.funding': '15.000.000', 'v.topics': 'Kỹ năng số, pháp luật',
};
const GOOD_HONGBANG = {
  'v.staff': '3', 'v.classes': '7', 'v.participants': '150', 'v.literacy': '2',
  'v.funding': '5000000', 'v.topics': 'Nuôi dạy con',
};

for (const backend of backends()) {
  test(`reports in the browser (${backend.name})`, async (t) => {
    const srv = await startServer({ backend, t });
    const admin = await loggedIn(srv.url, 'hkh.haiphong');
    const off = await loggedIn(srv.url, 'canbo.lechan');
    const url = '/units/11383/reports/clc/2026';
    for (const [login, role, unit] of [['quanly.hongbang', 'manager', '11311'],
      ['quanly.quanlechan', 'manager', '305']]) {
      const add = await runCli(['user', 'add', '--login', login, '--role', role, '--unit', unit],
        { db: srv.db, input: `${PW}\n` });
      assert.equal(add.code, 0, add.stderr);
    }

    await t.test('the administrator assigns the form; others are refused', async () => {
      let res = await admin.get('/reports');
      assert.equal(res.status, 200);
      assert.match(res.text, /id="report-assign"/);
      res = await admin.post('/reports/assign', { form: 'clc', kind: 'commune', period: '2026',
        deadline: yesterday() });
      assert.equal(res.status, 303);
      res = await admin.post('/reports/assign', { form: 'clc', kind: 'commune', period: '2024' });
      assert.equal(res.status, 303);
      res = await admin.post('/reports/assign', { form: 'clc', kind: 'commune', period: 'sometime' });
      assert.equal(res.status, 400);
      assert.match(res.text, /sometime/);
      res = await off.post('/reports/assign', { form: 'clc', kind: 'commune', period: '2026' });
      assert.equal(res.status, 403);
      res = await off.get('/reports');
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /id="report-assign"/);
      assert.match(res.text, /data-form="clc" data-period="2026"/);
      assert.match(res.text, /href="\/units\/11383\/reports\/clc\/2026"/);
      assert.match(res.text, /<li><a href="\/reports"[^>]*>Báo cáo<\/a>/);
    });

    await t.test('the form opens with the known figures and their source', async () => {
      const res = await off.get(url);
      assert.equal(res.status, 200);
      assert.equal(state(res.text), 'draft');
      // A unit's report is a page of the reports in the menu, not of the
      // units.
      assert.match(res.text, /<li><a href="\/reports" aria-current="page">Báo cáo<\/a>/);
      assert.doesNotMatch(res.text, /<li><a href="\/units" aria-current="page">/);
      const clcs = fieldBlock(res.text, 'clcs');
      assert.match(clcs, /Tự động: /);
      assert.match(clcs, /name="v\.clcs" value="\d+"/);
      assert.match(fieldBlock(res.text, 'funding'), /class="unit">đồng</);
      assert.match(res.text, /value="submit"/);
    });

    await t.test('evidence is attached to the draft', async () => {
      const send = async (file) => {
        const fd = new FormData();
        fd.append('_csrf', off.csrf);
        fd.append('action', 'evidence');
        if (file) fd.append('file', new Blob(['Biên bản kiểm tra'], { type: 'text/plain' }), file);
        const r = await fetch(new URL(url, `${srv.url}/`), {
          method: 'POST', body: fd, headers: { cookie: off.cookieHeader() }, redirect: 'manual',
        });
        return { status: r.status, text: await r.text() };
      };
      let res = await send(null);
      assert.equal(res.status, 400);
      res = await send('bien-ban.txt');
      assert.equal(res.status, 303);
      res = await off.get(url);
      assert.match(res.text, /Tệp đính kèm: 1/);
    });

    await t.test('an invalid save keeps what was typed and shows the problems inline', async () => {
      let res = await off.post(url, { action: 'save', 'v.classes': 'mười',
        'v.participants': '-5', 'v.literacy': '3' });
      assert.equal(res.status, 422);
      assert.match(res.text, /id="report-problems"/);
      let b = fieldBlock(res.text, 'classes');
      assert.match(b, /value="mười"/);
      assert.match(b, /class="field-error"/);
      b = fieldBlock(res.text, 'participants');
      assert.match(b, /value="-5"/);
      assert.match(b, /class="field-error"[^<]*âm/);
      // A rule broken names both fields.
      res = await off.post(url, { action: 'save', 'v.classes': '2', 'v.participants': '50',
        'v.literacy': '9' });
      assert.equal(res.status, 422);
      assert.match(fieldBlock(res.text, 'literacy'), /class="field-error"[^<]*>[^<]*literacy[^<]*classes|Trong đó xóa mù chữ[^<]*Số lớp/);
      // Reloading shows the stored text.
      res = await off.get(url);
      assert.match(fieldBlock(res.text, 'literacy'), /value="9"/);
      // A submit with problems is refused and the report stays a draft.
      res = await off.post(url, { action: 'submit' });
      assert.ok(res.status === 400 || res.status === 422, `status ${res.status}`);
      assert.equal(state(res.text), 'draft');
      assert.match(fieldBlock(res.text, 'literacy'), /value="9"/);
    });

    await t.test('submit, return with a comment, resubmit, approve by the city', async () => {
      let res = await off.post(url, { action: 'submit', ...GOOD_LECHAN });
      assert.equal(res.status, 303, res.text.slice(0, 3000));
      res = await off.get(url);
      assert.equal(state(res.text), 'submitted');
      assert.doesNotMatch(res.text, /name="v\.classes"/);
      res = await off.post(url, { action: 'save', 'v.classes': '13' });
      assert.equal(res.status, 409);
      // A viewer, the commune's own manager and another commune's manager
      // are refused.
      for (const login of ['xem.haiphong', 'quanly.lechan', 'quanly.hongbang']) {
        const c = await loggedIn(srv.url, login);
        await c.get('/reports');
        res = await c.post(url, { action: 'approve' });
        assert.equal(res.status, 403, login);
      }
      res = await admin.get('/reports');
      assert.match(res.text, /id="report-waiting"[^]*11383\/reports\/clc\/2026/);
      res = await admin.get(url);
      assert.match(res.text, /id="report-approve"/);
      res = await admin.post(url, { action: 'return', comment: '' });
      assert.equal(res.status, 400);
      res = await admin.post(url, { action: 'return', comment: 'Bổ sung số lượt người học' });
      assert.equal(res.status, 303);
      res = await off.get(url);
      assert.equal(state(res.text), 'returned');
      assert.match(res.text, /id="report-comment"[^<]*Bổ sung số lượt người học/);
      res = await off.post(url, { action: 'submit', 'v.participants': '320' });
      assert.equal(res.status, 303);
      res = await admin.post(url, { action: 'approve' });
      assert.equal(res.status, 303);
      res = await off.get(url);
      assert.equal(state(res.text), 'approved');
      assert.match(res.text, /id="report-history"[^]*Bổ sung số lượt người học/);
      res = await off.post(url, { action: 'save', 'v.classes': '1' });
      assert.equal(res.status, 409);
      assert.match(res.text, /khóa|khoá/);
    });

    await t.test('a second commune is approved; a 2024 report is decided by the city', async () => {
      const hb = await loggedIn(srv.url, 'canbo.hongbang');
      let res = await hb.get('/units/11311/reports/clc/2026');
      assert.equal(res.status, 200);
      res = await hb.post('/units/11311/reports/clc/2026', { action: 'submit', ...GOOD_HONGBANG });
      assert.equal(res.status, 303, res.text.slice(0, 2000));
      res = await admin.get('/units/11311/reports/clc/2026');
      res = await admin.post('/units/11311/reports/clc/2026', { action: 'approve' });
      assert.equal(res.status, 303);
      // An old ward's report of 2024, submitted after 1 July 2025 when the
      // districts no longer exist, is decided by the city, not by the old
      // district (reports.h: the level above when it was submitted).
      const old = '/units/11395/reports/clc/2024';
      res = await admin.get(old);
      assert.equal(res.status, 200);
      res = await admin.post(old, { action: 'submit', ...GOOD_HONGBANG });
      assert.equal(res.status, 303, res.text.slice(0, 2000));
      const dist = await loggedIn(srv.url, 'quanly.quanlechan');
      await dist.get('/reports');
      res = await dist.post(old, { action: 'approve' });
      assert.equal(res.status, 403);
      res = await admin.post(old, { action: 'approve' });
      assert.equal(res.status, 303);
      res = await dist.get(old);
      assert.equal(state(res.text), 'approved');
    });

    await t.test('completeness lists the late and the missing', async () => {
      let res = await admin.get('/units/31/reports/clc/2026/status');
      assert.equal(res.status, 200);
      assert.match(res.text, /data-unit="11383" data-state="approved" data-late="1"/);
      assert.match(res.text, /data-state="missing" data-late="1"/);
      // Counts per level: the communes and wards of the city.
      const lvl = res.text.match(/<tr data-level="commune"><td>[^<]*<\/td>((?:<td class="num">[^<]*<\/td>){5})/);
      assert.ok(lvl, 'counts of the communes');
      const nums = [...lvl[1].matchAll(/>([^<]*)</g)].map((m) => Number(m[1].replace(/\./g, '')));
      assert.equal(nums[2], 2);
      assert.ok(nums[4] > 0 && nums[0] === nums[1] + nums[4] + (nums[0] - nums[1] - nums[4]));
      res = await admin.json('GET', '/api/v1/reports/clc/2026/status?unit=31');
      assert.equal(res.status, 200);
      assert.equal(res.json.approved, 2);
      assert.ok(res.json.missing > 0);
      assert.ok(res.json.late >= 2);
      assert.equal(res.json.units.find((u) => u.unit === '11311').state, 'approved');
      res = await admin.get('/api/v1/reports/clc/2026/status?unit=31&format=csv');
      assert.equal(res.status, 200);
      assert.match(res.text, /^unit,name,state,submitted_on,late\r\n/);
      assert.match(res.text, /\r\n11383,[^\r]*,approved,\d{4}-\d\d-\d\d,1\r\n/);
    });

    await t.test('the consolidated report sums the two approved reports', async () => {
      const base = '/units/31/reports/clc/2026/consolidated';
      let res = await admin.get(`${base}?structure=new`);
      assert.equal(res.status, 200);
      assert.match(res.text, /id="structure-note"/);
      const row = res.text.match(/<tr data-field="classes"><td>[^<]*<\/td><td class="num">([^<]*)</);
      assert.ok(row);
      assert.equal(row[1], '19');
      res = await admin.json('GET', '/api/v1/reports/clc/2026?unit=31&structure=new');
      assert.equal(res.status, 200);
      const total = res.json.rows[0];
      assert.equal(total.total, true);
      assert.equal(total.values.classes, 12 + 7);
      assert.equal(total.values.participants, 320 + 150);
      assert.equal(total.values.funding, 15000000 + 5000000);
      assert.equal(total.reports, 2);
      const clcs = res.json.fields.find((f) => f.code === 'clcs');
      assert.equal(clcs.title_vi, 'Số trung tâm học tập cộng đồng');
      assert.equal(clcs.source, 'clcs');
      assert.equal(res.json.fields.find((f) => f.code === 'staff').source, null);
      assert.equal(typeof total.share_applied, 'boolean');
      res = await admin.get('/api/v1/reports/clc/2026?unit=31&structure=new&format=csv');
      assert.equal(res.status, 200);
      assert.match(res.text, /\r\nII,classes,"Số lớp, chuyên đề",19,/);
      // .xlsx: numbers as numbers, the merged title.
      const x = await download(admin, `${base}?structure=new&format=xlsx`);
      assert.equal(x.status, 200);
      const sheet = zipEntry(x.body, 'xl/worksheets/sheet1.xml');
      // The title (row 1) and each section's heading (row 3: "I. Tổ chức",
      // before the two fields of section I, row 6: "II. Hoạt động") are
      // merged across the columns.
      assert.match(sheet, /<mergeCell ref="A1:[A-Z]+1"\/>/);
      assert.match(sheet, /<mergeCell ref="A3:[A-Z]+3"\/>/);
      assert.match(sheet, /<mergeCell ref="A6:[A-Z]+6"\/>/);
      assert.match(zipEntry(x.body, 'xl/sharedStrings.xml'), /II\. Hoạt động/);
      assert.match(sheet, /<c r="D\d+"( s="\d+")?><v>19<\/v><\/c>/);
      // PDF in the official format, read back.
      const p = await download(admin, `${base}?structure=new&format=pdf`);
      assert.equal(p.status, 200);
      assert.equal(p.type, 'application/pdf');
      const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-rw-'));
      try {
        const file = path.join(dir, 'r.pdf');
        fs.writeFileSync(file, p.body);
        const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
        assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
        assert.match(text, /BÁO CÁO/);
        assert.match(text, /Số lớp, chuyên đề\s+19\b/);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    await t.test('reopening needs a reason and is recorded', async () => {
      let res = await off.post(url, { action: 'reopen', comment: 'Sửa' });
      assert.equal(res.status, 403);
      res = await admin.post(url, { action: 'reopen', comment: '' });
      assert.equal(res.status, 400);
      res = await admin.post(url, { action: 'reopen', comment: 'Số liệu trung tâm cần sửa' });
      assert.equal(res.status, 303);
      res = await off.get(url);
      assert.equal(state(res.text), 'returned');
      assert.match(res.text, /Số liệu trung tâm cần sửa/);
      assert.match(res.text, /name="v\.classes"/);
    });
  });
}
