// Recognition decisions over HTTP, on SQLite and PostgreSQL: proposals
// prepared with `khuyenhoc models register --to proposed`, a decision
// recorded by the commune's manager (refused to viewers, officers and other
// communes), the decision with its list and the certificates as PDF (read
// back with pdftotext and pdffonts), the list and the roll-up as .xlsx (read
// back from the sheet's XML), and the criteria-set pages: unverified marks
// and an administrator's new version that leaves the used one unchanged.
// The decisions are issued in wards of the test's own (tests/integration/
// fixture.mjs), which the demo's learning-model data leaves alone; figures
// of the whole city are compared with what the city held before.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { AN_BIEN, NGO_QUYEN, loggedIn, ownCommune } from './fixture.mjs';
import { backends, client, runCli, startServer } from './lib.mjs';

async function cli(args, db) {
  const r = await runCli(args, { db });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A downloaded file, kept in a scratch folder for the command-line readers.
async function download(c, url, dir, name) {
  const res = await fetch(new URL(url, c.base), { headers: { cookie: c.cookieHeader() } });
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return { status: res.status, headers: res.headers, file };
}

function tool(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The first sheet of an .xlsx as rows of {ref: {type, value}}: shared
// strings resolved, numbers kept apart from text.
function readSheet(file) {
  const strings = [...tool('unzip', ['-p', file, 'xl/sharedStrings.xml'])
    .matchAll(/<si>(.*?)<\/si>/gs)].map((m) => [...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)]
    .map((t) => t[1]).join(''));
  const xml = tool('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']);
  const rows = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+)(\d+)"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
    const [, col, row, attrs, inner] = m;
    const v = inner && /<v>(.*?)<\/v>/s.exec(inner);
    if (!v) continue;
    const shared = /t="s"/.test(attrs);
    (rows[row] ||= {})[col] = shared ? { type: 'text', value: strings[Number(v[1])] }
      : /t="(str|inlineStr)"/.test(attrs) ? { type: 'text', value: v[1] }
        : { type: 'number', value: Number(v[1]) };
  }
  return rows;
}

const count = (text, re) => (text.match(re) || []).length;

// The family row of a roll-up table: registered, recognised, share.
function familyRow(html, table) {
  const body = new RegExp(`<table id="${table}">(.*?)</table>`, 's').exec(html)[1];
  const m = /<tr data-model="family"><td>[^<]*<\/td><td class="num"><\/td><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">([^<]*)<\/td>/.exec(body);
  return m ? { registered: Number(m[1]), recognised: Number(m[2]), share: m[3] } : null;
}

// A share as the roll-up writes it: tenths of a per cent rounded half up,
// a decimal comma, no ",0".
function shareText(recognised, registered) {
  const tenths = Math.floor((recognised * 1000 + Math.floor(registered / 2)) / registered);
  return `${tenths % 10 === 0 ? tenths / 10 : `${Math.floor(tenths / 10)},${tenths % 10}`} %`;
}

for (const backend of backends()) {
  test(`recognition decisions on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-dec-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));

    // Phường An Biên with three households, Phường Ngô Quyền with one, each
    // with its officer and manager; what the city held before them.
    const own = await ownCommune(srv, AN_BIEN, { households: 3 });
    const other = await ownCommune(srv, NGO_QUYEN, { households: 1 });
    const admin = await loggedIn(srv.url, 'hkh.haiphong');
    const cityBefore = familyRow((await admin.get('/units/31/recognition?year=2025')).text,
      'rollup-total') || { registered: 0, recognised: 0 };
    const viewer = await loggedIn(srv.url, 'xem.haiphong');
    const decisionsBefore = (await viewer.json('GET', '/api/v1/decisions?unit=31')).json.items
      .map((d) => d.id);

    // Three families of An Biên's group proposed, one of Ngô Quyền.
    const ids = [];
    for (const hh of own.households) {
      ids.push(Number((await cli(['models', 'register', '--model', 'family', '--year', '2025',
        '--unit', own.village, '--household', hh, '--to', 'proposed'], srv.db)).trim()));
    }
    const otherId = Number((await cli(['models', 'register', '--model', 'family', '--year', '2025',
      '--unit', other.village, '--household', 'H001', '--to', 'proposed'], srv.db)).trim());
    const proposed = JSON.parse(await cli(['models', 'list', '--unit', own.code, '--year', '2025',
      '--state', 'proposed', '--format', 'json'], srv.db));
    assert.equal(proposed.length, 3);
    const names = Object.fromEntries(proposed.map((r) => [r.id, r.subject_name]));

    const form = {
      model: 'family', year: '2025', reg: [ids[0], ids[1]], number: '12/QĐ-UBND',
      decided_on: '2025-12-20', signer: 'Trần Văn Chủ', signer_title: 'Chủ tịch',
      issuing_body: own.body,
    };
    let decisionUrl;

    await t.test('viewers and officers see no form and are refused', async () => {
      for (const login of ['xem.haiphong', own.officer]) {
        const c = await loggedIn(srv.url, login);
        const page = await c.get(`/units/${own.code}/decisions?model=family&year=2025`);
        assert.equal(page.status, 200);
        assert.doesNotMatch(page.text, /id="new-decision"/);
        const res = await c.post(`/units/${own.code}/decisions`, form);
        assert.equal(res.status, 403, login);
      }
    });

    await t.test('the manager of another commune cannot issue for this one', async () => {
      const c = await loggedIn(srv.url, other.manager);
      assert.equal((await c.get(`/units/${own.code}/decisions`)).status, 403);
      const page = await c.get(`/units/${other.code}/decisions?model=family&year=2025`);
      assert.match(page.text, new RegExp(`id="reg-${otherId}"`));
      const res = await c.post(`/units/${other.code}/decisions`, { ...form, reg: [ids[0]],
        issuing_body: other.body });
      assert.equal(res.status, 403, 'a registration of another commune is out of scope');
      const still = JSON.parse(await cli(['models', 'list', '--unit', own.code, '--state', 'proposed',
        '--format', 'json'], srv.db));
      assert.equal(still.length, 3, 'nothing was recognised');
    });

    await t.test('the commune manager records a decision; errors keep the input', async () => {
      const c = await loggedIn(srv.url, own.manager);
      const page = await c.get(`/units/${own.code}/decisions?model=family&year=2025`);
      assert.equal(page.status, 200);
      for (const id of ids) assert.match(page.text, new RegExp(`id="reg-${id}" value="${id}" checked`));
      assert.match(page.text, /value="Ủy ban nhân dân phường An Biên"/);

      let res = await c.post(`/units/${own.code}/decisions`, { ...form, signer: '' });
      assert.equal(res.status, 400);
      assert.match(res.text, /role="alert"/);
      assert.match(res.text, /value="12\/QĐ-UBND"/, 'the number is kept');
      assert.match(res.text, new RegExp(`id="reg-${ids[0]}" value="${ids[0]}" checked`));
      assert.match(res.text, new RegExp(`id="reg-${ids[2]}" value="${ids[2]}">`), 'the unticked one stays unticked');

      res = await c.post(`/units/${own.code}/decisions`, { ...form, reg: [] });
      assert.equal(res.status, 400);

      res = await c.post(`/units/${own.code}/decisions`, form);
      assert.equal(res.status, 303, res.text.slice(0, 500));
      decisionUrl = res.location.replace(/\?.*$/, '');
      assert.match(decisionUrl, /^\/decisions\/\d+$/);
      const show = await c.get(decisionUrl);
      assert.equal(show.status, 200);
      assert.match(show.text, /GĐHT-2025-000001/);
      assert.match(show.text, /GĐHT-2025-000002/);
      assert.match(show.text, new RegExp(names[ids[0]]));
      assert.doesNotMatch(show.text, new RegExp(`>${names[ids[2]]}<`));

      // The same number again is a conflict; the third stays proposed.
      res = await c.post(`/units/${own.code}/decisions`, { ...form, reg: [ids[2]] });
      assert.equal(res.status, 409);
      const left = JSON.parse(await cli(['models', 'list', '--unit', own.code, '--year', '2025',
        '--format', 'json'], srv.db));
      const state = Object.fromEntries(left.map((r) => [r.id, r.state]));
      assert.equal(state[ids[0]], 'recognised');
      assert.equal(state[ids[1]], 'recognised');
      assert.equal(state[ids[2]], 'proposed');

      const list = await c.get(`/units/${own.code}/decisions`);
      assert.match(list.text, /<table id="decisions">/);
      assert.match(list.text, /12\/QĐ-UBND/);
      const filtered = await c.get(`/units/${own.code}/decisions?filter_year=2024`);
      assert.match(filtered.text, /id="no-decisions"/);
      const byModel = await c.get(`/units/${own.code}/decisions?filter_model=family&filter_year=2025`);
      assert.match(byModel.text, /12\/QĐ-UBND/);
      // The unit page links to the decisions and to the roll-up.
      const unit = await c.get(`/units/${own.code}`);
      assert.match(unit.text, /href="\/units\/11407\/decisions"/);
      assert.match(unit.text, /href="\/units\/11407\/recognition"/);
    });

    await t.test('the decision is audited', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong');
      const res = await c.json('GET', `/api/v1/audit?user=${own.manager}`);
      assert.equal(res.status, 200);
      const text = JSON.stringify(res.json);
      assert.match(text, /model_decision/);
      assert.match(text, /GĐHT-2025-000001/);
    });

    await t.test('another commune cannot read the decision or its files', async () => {
      const c = await loggedIn(srv.url, other.manager);
      assert.equal((await c.get(decisionUrl)).status, 403);
      assert.equal((await c.get(`${decisionUrl}/decision.pdf`)).status, 403);
      assert.equal((await c.get(`${decisionUrl}/list.xlsx`)).status, 403);
    });

    await t.test('the decision and its list as one PDF in the official format', async () => {
      const c = await loggedIn(srv.url, 'xem.haiphong');
      const d = await download(c, `${decisionUrl}/decision.pdf`, dir, 'qd.pdf');
      assert.equal(d.status, 200);
      assert.equal(d.headers.get('content-type'), 'application/pdf');
      assert.match(d.headers.get('content-disposition'), /^attachment; filename="quyet-dinh-12-2025\.pdf"$/);
      const text = tool('pdftotext', ['-layout', '-enc', 'UTF-8', d.file, '-']);
      for (const want of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc',
        'ỦY BAN NHÂN DÂN', 'Số: 12/QĐ-UBND', 'An Biên, ngày 20 tháng 12 năm 2025', 'QUYẾT ĐỊNH',
        'Về việc công nhận danh hiệu “Gia đình học tập” năm 2025', 'Căn cứ Quyết định số 448/QĐ-KHVN',
        'Điều 1. Công nhận 2 hộ gia đình', 'Điều 3.', 'TM. ỦY BAN NHÂN DÂN', 'Trần Văn Chủ',
        'Nơi nhận:', 'DANH SÁCH', 'Kèm theo Quyết định số 12/QĐ-UBND',
        'GĐHT-2025-000001', 'GĐHT-2025-000002', names[ids[0]], names[ids[1]]]) {
        assert.ok(text.includes(want), `the PDF lacks "${want}"`);
      }
      const fonts = tool('pdffonts', [d.file]).split('\n').slice(2).filter((l) => l.trim());
      assert.ok(fonts.length > 0);
      for (const l of fonts) {
        assert.match(l, /LiberationSerif/);
        assert.match(l, /\byes\s+yes\s+yes\b/, `not embedded: ${l}`);
      }
    });

    await t.test('one certificate page per recognised family', async () => {
      const c = await loggedIn(srv.url, own.manager);
      const d = await download(c, `${decisionUrl}/certificates.pdf`, dir, 'gcn.pdf');
      assert.equal(d.status, 200);
      assert.match(d.headers.get('content-disposition'), /filename="giay-chung-nhan-12-2025\.pdf"/);
      assert.match(tool('pdfinfo', [d.file]), /Pages:\s+2\n/);
      for (const [page, id, no] of [[1, ids[0], '000001'], [2, ids[1], '000002']]) {
        const text = tool('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), d.file, '-']);
        assert.ok(text.includes('GIẤY CHỨNG NHẬN'));
        assert.ok(text.includes(`GĐHT-2025-${no}`), `page ${page}`);
        assert.ok(text.includes(names[id]), `page ${page} names ${names[id]}`);
        assert.ok(text.includes('“Gia đình học tập” năm 2025'));
        // The heading names the issuing body in capitals (Decree 30),
        // though it was typed in sentence case; the signature block says
        // on whose behalf the chairman signs.
        assert.ok(text.includes('CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN'), `page ${page} heading`);
        assert.ok(!text.includes('Chủ tịch Ủy ban nhân dân phường An Biên'), `page ${page} heading case`);
        assert.ok(text.includes('TM. ỦY BAN NHÂN DÂN'), `page ${page} authority`);
      }
    });

    await t.test('the list as .xlsx with numbers as numbers', async () => {
      const c = await loggedIn(srv.url, own.manager);
      const d = await download(c, `${decisionUrl}/list.xlsx`, dir, 'ds.xlsx');
      assert.equal(d.status, 200);
      assert.match(d.headers.get('content-disposition'), /filename="danh-sach-12-2025\.xlsx"/);
      const rows = readSheet(d.file);
      assert.deepEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((k) => rows[2][k].value),
        ['STT', 'Số giấy chứng nhận', 'Chủ hộ', 'Đơn vị', 'Nhóm', 'Điểm', 'Xếp loại/Mức']);
      assert.deepEqual(rows[3].A, { type: 'number', value: 1 });
      assert.deepEqual(rows[3].B, { type: 'text', value: 'GĐHT-2025-000001' });
      assert.equal(rows[3].C.value, names[ids[0]]);
      assert.deepEqual(rows[3].F, { type: 'number', value: 100 });
      assert.deepEqual(rows[4].A, { type: 'number', value: 2 });
      assert.equal(rows[5], undefined);
    });

    await t.test('registered against recognised rolls up, with the same table as .xlsx', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong');
      const city = await c.get('/units/31/recognition?year=2025');
      assert.equal(city.status, 200);
      // Four more registered (three here, one in Ngô Quyền), two more
      // recognised.
      const reg = cityBefore.registered + 4;
      const rec = cityBefore.recognised + 2;
      assert.deepEqual(familyRow(city.text, 'rollup-total'),
        { registered: reg, recognised: rec, share: shareText(rec, reg) });
      const commune = await c.get(`/units/${own.code}/recognition?year=2025`);
      assert.deepEqual(familyRow(commune.text, 'rollup-total'),
        { registered: 3, recognised: 2, share: '66,7 %' });
      const children = /<table id="rollup-children">(.*?)<\/table>/s.exec(commune.text)[1];
      assert.match(children, /href="\/units\/11407-TDP01\/recognition\?year=2025"/);
      assert.match(children, /<td class="num">3<\/td><td class="num">2<\/td><td class="num">66,7 %<\/td>/);
      const d = await download(c, `/units/${own.code}/recognition.xlsx?year=2025`, dir, 'th.xlsx');
      assert.equal(d.status, 200);
      assert.match(d.headers.get('content-disposition'), /filename="cong-nhan-11407-2025\.xlsx"/);
      const rows = readSheet(d.file);
      assert.equal(rows[3].A.value, 'Phường An Biên');
      assert.deepEqual(rows[3].E, { type: 'number', value: 3 });
      assert.deepEqual(rows[3].F, { type: 'number', value: 2 });
      assert.deepEqual(rows[3].G, { type: 'number', value: 66.7 });
      assert.equal(rows[4].A.value, 'Tổ dân phố số 1');
      // Another commune's officer sees none of it.
      const o = await loggedIn(srv.url, 'canbo.hongbang');
      assert.equal((await o.get(`/units/${own.code}/recognition?year=2025`)).status, 403);
      assert.equal((await o.get(`/units/${own.code}/recognition.xlsx?year=2025`)).status, 403);
    });

    await t.test('the decisions as JSON for other systems, scope-checked', async () => {
      const c = await loggedIn(srv.url, 'xem.haiphong');
      let res = await c.json('GET', `/api/v1/decisions?unit=${own.code}&year=2025&model=family`);
      assert.equal(res.status, 200);
      assert.equal(res.json.total, 1);
      const [dec] = res.json.items;
      assert.equal(dec.number, '12/QĐ-UBND');
      assert.equal(dec.unit_code, '11407');
      assert.equal(dec.model, 'family');
      assert.equal(dec.year, 2025);
      assert.equal(dec.decided_on, '2025-12-20');
      assert.equal(dec.signer, 'Trần Văn Chủ');
      assert.equal(dec.issuing_body, 'Ủy ban nhân dân phường An Biên');
      assert.equal(dec.count, 2);
      assert.equal(`/decisions/${dec.id}`, decisionUrl);
      // The city sees its communes' decisions: those it had, and this one;
      // filters narrow them.
      res = await c.json('GET', '/api/v1/decisions?unit=31');
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items.map((d) => d.id).sort((a, b) => a - b),
        [...decisionsBefore, dec.id].sort((a, b) => a - b));
      assert.equal(res.json.total, decisionsBefore.length + 1);
      assert.deepEqual(res.json.items.filter((d) => d.unit_code === own.code).map((d) => d.number),
        ['12/QĐ-UBND']);
      for (const q of [`unit=${own.code}&year=2024`, `unit=${own.code}&model=clan`, `unit=${other.code}`]) {
        res = await c.json('GET', `/api/v1/decisions?${q}`);
        assert.equal(res.status, 200, q);
        assert.deepEqual(res.json.items, [], q);
      }
      assert.equal((await c.json('GET', `/api/v1/decisions?unit=${own.code}&model=nope`)).status, 400);
      assert.equal((await c.json('GET', `/api/v1/decisions?unit=${own.code}&year=abc`)).status, 400);
      // One decision: its list with the certificate numbers.
      res = await c.json('GET', `/api/v1/decisions/${dec.id}`);
      assert.equal(res.status, 200);
      assert.equal(res.json.number, '12/QĐ-UBND');
      assert.deepEqual(res.json.items.map((it) => [it.registration_id, it.certificate_no, it.subject_name]),
        [[ids[0], 'GĐHT-2025-000001', names[ids[0]]], [ids[1], 'GĐHT-2025-000002', names[ids[1]]]]);
      assert.equal(res.json.items[0].unit_code, '11407-TDP01');
      assert.equal((await c.json('GET', '/api/v1/decisions/999999')).status, 404);
      assert.equal((await c.json('GET', '/api/v1/decisions/x')).status, 404);
      // Another commune reads neither the list nor the decision.
      const o = await loggedIn(srv.url, other.manager);
      assert.equal((await o.json('GET', `/api/v1/decisions?unit=${own.code}`)).status, 403);
      assert.equal((await o.json('GET', `/api/v1/decisions/${dec.id}`)).status, 403);
      res = await o.json('GET', '/api/v1/decisions');
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items, []);
      // Without a session: 401.
      assert.equal((await client(srv.url).json('GET', `/api/v1/decisions?unit=${own.code}`)).status, 401);
    });

    await t.test('the roll-up as CSV for other systems', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong');
      const res = await fetch(new URL(`/units/${own.code}/recognition.csv?year=2025`, c.base),
        { headers: { cookie: c.cookieHeader() } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /^text\/csv; charset=utf-8$/);
      assert.match(res.headers.get('content-disposition'), /filename="cong-nhan-11407-2025\.csv"/);
      const lines = (await res.text()).split('\r\n');
      assert.equal(lines[0], 'unit_code,unit_name,total,model,subject_group,registered,recognised,share_pct');
      assert.ok(lines.includes('11407,Phường An Biên,1,family,,3,2,66.7'), lines.join('\n'));
      assert.ok(lines.includes('11407-TDP01,Tổ dân phố số 1,0,family,,3,2,66.7'), lines.join('\n'));
      assert.equal(lines.at(-1), '');
      const o = await loggedIn(srv.url, 'canbo.hongbang');
      assert.equal((await o.get(`/units/${own.code}/recognition.csv?year=2025`)).status, 403);
    });

    await t.test('criteria sets show every unverified value marked', async () => {
      const c = await loggedIn(srv.url, own.officer);
      const list = await c.get('/criteria');
      assert.equal(list.status, 200);
      const row = /<tr id="set-qd448-gdht-1">(.*?)<\/tr>/s.exec(list.text)[1];
      assert.match(row, /<td class="used">có<\/td>/, 'used by the registrations');
      const unverified = Number(/unverified-count">(\d+)</.exec(row)[1]);
      assert.ok(unverified > 0);
      const set = await c.get('/criteria/qd448-gdht/1');
      assert.equal(set.status, 200);
      assert.equal(count(set.text, /class="badge unverified" title="Giá trị này đang chờ tỉnh xác nhận\.">chưa xác minh</g), unverified);
      assert.match(set.text, /<table id="items">/);
      assert.match(set.text, /id="item-A1\.1"/);
      assert.doesNotMatch(set.text, /id="new-version"/, 'only administrators edit');
      assert.equal((await c.post('/criteria/qd448-gdht/1', { json: '{}' })).status, 403);
      assert.equal((await c.get('/criteria/qd448-gdht/99')).status, 404);
    });

    await t.test('an administrator\'s change becomes version 2; version 1 stays', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong');
      const page = await c.get('/criteria/qd448-gdht/1');
      const text = /<textarea id="c-json"[^>]*>(.*?)<\/textarea>/s.exec(page.text)[1]
        .replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      const set = JSON.parse(text);
      const before = /id="min-total">([^<]*)/.exec(page.text)[1];
      set.thresholds.min_total = { value: 85, verified: true, ref: 'Sở GDĐT' };

      const bad = structuredClone(set);
      bad.criteria[1].max = 'mười';
      let res = await c.post('/criteria/qd448-gdht/1', { json: JSON.stringify(bad) });
      assert.equal(res.status, 400);
      assert.match(res.text, /id="error-field">[^<]*<code>criteria\[1\]\.max<\/code>/);
      assert.match(res.text, /mười/, 'the text sent is kept');

      res = await c.post('/criteria/qd448-gdht/1', { json: JSON.stringify(set) });
      assert.equal(res.status, 303);
      assert.equal(res.location, '/criteria/qd448-gdht/2?created=1');
      const v2 = await c.get('/criteria/qd448-gdht/2');
      assert.match(v2.text, /id="min-total">85<\/dd>/, 'confirmed: no mark');
      const v1 = await c.get('/criteria/qd448-gdht/1');
      assert.equal(/id="min-total">([^<]*)/.exec(v1.text)[1], before);
      const listed = (await c.get('/criteria')).text;
      assert.match(listed, /id="set-qd448-gdht-2"/);
    });
  });
}
