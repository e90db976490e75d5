// The yearly cycle of the learning models in the browser's pages, on SQLite
// and PostgreSQL: registering families (from a list), a clan with its member
// households and a citizen; the self-assessment with its total; the
// verification (a change needs a reason, which the page then shows); a
// proposal refused below the standard; return and withdraw with reasons;
// what a viewer and an officer of another commune may do; the computed
// share with its source; the printed list (.pdf) and the spreadsheet. The
// test works in a ward of its own (tests/integration/fixture.mjs), which the
// demo's learning-model data leaves alone, so that its lists and totals hold
// only what it registers.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { AN_BIEN, PW, loggedIn, ownCommune } from './fixture.mjs';
import { backends, runCli, startServer } from './lib.mjs';

const YEAR = new Date().getFullYear();

// Values of the checkboxes named `name` in a page.
function ticks(html, name) {
  const re = new RegExp(`<input type="checkbox" name="${name}" value="(\\d+)"`, 'g');
  return [...html.matchAll(re)].map((m) => m[1]);
}

function regIds(html) {
  return [...html.matchAll(/<tr class="ok"><td>[^<]*<\/td><td><a href="\/registrations\/(\d+)"/g)]
    .map((m) => m[1]);
}

function plain(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

function tmpFile(name) {
  const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-reg-'));
  return { dir, file: path.join(dir, name) };
}

// The points of the family's self-assessment (QĐ 448, learning family):
// 27.5 + 23 + 17.5 + 17 = 85 of 100.
const FAMILY_POINTS = {
  'A1.1': '9.5', 'A1.2': '10', 'A1.3': '8',
  'A2.1': '10', 'A2.2': '7', 'A2.3': '6',
  'A3.1': '5', 'A3.2': '4', 'A3.3': '3,5', 'A3.4': '5',
  'A4.1': '8', 'A4.2': '9',
};

function pointsForm(points) {
  const form = { note: 'Tự đánh giá theo phiếu của hộ' };
  for (const [code, v] of Object.entries(points)) form[`v_${code}`] = v;
  return form;
}

for (const backend of backends()) {
  test(`registrations and assessments on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    // Phường An Biên: one residential group of six households.
    const own = await ownCommune(srv, AN_BIEN, { households: 6 });
    const unit = own.code;
    const off = await loggedIn(srv.url, own.officer);
    const ids = {};

    await t.test('families are registered from a list; a second registration is refused', async () => {
      const page = await off.get(`/units/${unit}/registrations?year=${YEAR}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /id="reg-family"/);
      const households = ticks(page.text, 'household');
      assert.ok(households.length >= 4, `households ${households.length}`);
      ids.households = households.slice(0, 4);
      let res = await off.post(`/units/${unit}/registrations`,
        { model: 'family', year: YEAR, household: ids.households.slice(0, 3) });
      assert.equal(res.status, 200);
      assert.match(res.text, /id="reg-ok">3</);
      assert.match(res.text, /id="reg-refused">0</);
      ids.families = regIds(res.text);
      assert.equal(ids.families.length, 3);
      // One already registered, one new: the new one is kept.
      res = await off.post(`/units/${unit}/registrations`,
        { model: 'family', year: YEAR, household: [ids.households[0], ids.households[3]] });
      assert.match(res.text, /id="reg-ok">1</);
      assert.match(res.text, /id="reg-refused">1</);
      assert.match(res.text, /<tr class="refused">/);
      const list = await off.get(`/units/${unit}/registrations?year=${YEAR}&model=family`);
      assert.match(list.text, /id="reg-total">\(4\)/);
      assert.match(list.text, /<dd data-state="registered">4<\/dd>/);
      // In Vietnamese order (given name first) and found without diacritics.
      const names = [...list.text.matchAll(/<td><a href="\/registrations\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
      assert.equal(names.length, 4);
      const coll = new Intl.Collator('vi');
      const given = names.map((n) => n.split(' ').pop());
      for (let i = 1; i < given.length; i++) {
        assert.ok(coll.compare(given[i - 1], given[i]) <= 0, `${names[i - 1]} then ${names[i]}`);
      }
      const found = await off.get(`/units/${unit}/registrations?year=${YEAR}&model=family&q=${encodeURIComponent(plain(names[2]).toLowerCase())}`);
      assert.match(found.text, new RegExp(`>${names[2]}</a>`));
      assert.doesNotMatch(found.text, /id="reg-total">\(0\)/);
      // The API: the same order and search, filtered and paged in SQL.
      const base = `/api/v1/registrations?unit=${unit}&year=${YEAR}&model=family`;
      let api = await off.json('GET', `${base}&order=name`);
      assert.equal(api.status, 200);
      assert.deepEqual(api.json.items.map((r) => r.subject_name), names);
      api = await off.json('GET', `${base}&order=name&limit=2&offset=2`);
      assert.equal(api.json.total, 4);
      assert.deepEqual(api.json.items.map((r) => r.subject_name), names.slice(2));
      api = await off.json('GET', `${base}&q=${encodeURIComponent(plain(names[2]).toLowerCase())}`);
      assert.ok(api.json.total >= 1);
      assert.ok(api.json.items.every((r) => plain(r.subject_name).toLowerCase()
        .split(' ').some((w) => w.startsWith(plain(names[2]).toLowerCase().split(' ')[0]))));
      assert.ok(api.json.items.some((r) => r.subject_name === names[2]));
      api = await off.json('GET', `${base}&q=zzzz`);
      assert.equal(api.json.total, 0);
      assert.equal((await off.json('GET', `${base}&order=size`)).status, 400);
    });

    await t.test('a clan with member households is created and registered', async () => {
      let res = await off.post(`/units/${unit}/clans`, { name: 'Họ Khúc', branch: 'Chi 2' });
      assert.equal(res.status, 303);
      const clanId = res.location.match(/\/clans\/(\d+)/)[1];
      await off.get(`/clans/${clanId}`);
      res = await off.post(`/clans/${clanId}/members`,
        { op: 'add', household: [ids.households[0], ids.households[1]] });
      assert.equal(res.status, 303);
      let page = await off.get(`/clans/${clanId}`);
      assert.match(page.text, /id="clan-members">2</);
      // Removing one, adding it back.
      await off.post(`/clans/${clanId}/members`, { op: 'remove', household: ids.households[1] });
      page = await off.get(`/clans/${clanId}`);
      assert.match(page.text, /id="clan-members">1</);
      await off.post(`/clans/${clanId}/members`, { op: 'add', household: ids.households[1] });
      const clans = await off.get(`/units/${unit}/clans`);
      assert.match(clans.text, /Họ Khúc/);
      assert.match(clans.text, /<td class="num">2<\/td>/);
      // A duplicate clan is refused with the form kept.
      res = await off.post(`/units/${unit}/clans`, { name: 'Họ Khúc', branch: 'Chi 2' });
      assert.equal(res.status, 409);
      assert.match(res.text, /value="Họ Khúc"/);
      res = await off.post(`/units/${unit}/registrations`, { model: 'clan', year: YEAR, clan: clanId });
      assert.match(res.text, /id="reg-ok">1</);
      ids.clan = regIds(res.text)[0];
    });

    await t.test('a citizen found without diacritics is registered in a subject group', async () => {
      const r = await runCli(['people', 'list', '--unit', unit, '--format', 'json'], { db: srv.db });
      assert.equal(r.code, 0, r.stderr);
      const person = JSON.parse(r.stdout).find((p) => p.full_name.split(' ').length >= 3);
      const q = plain(person.full_name).toLowerCase();
      const page = await off.get(`/units/${unit}/registrations?year=${YEAR}&cq=${encodeURIComponent(q)}`);
      const found = ticks(page.text, 'person');
      assert.ok(found.length >= 1, `search ${q}`);
      const res = await off.post(`/units/${unit}/registrations`,
        { model: 'citizen', year: YEAR, person: found[0], [`group_${found[0]}`]: 2 });
      assert.match(res.text, /id="reg-ok">1</);
      const id = regIds(res.text)[0];
      const reg = await off.get(`/registrations/${id}`);
      assert.match(reg.text, /<dt>Nhóm đối tượng<\/dt><dd>2<\/dd>/);
    });

    await t.test('the commune registers itself as a learning community', async () => {
      const page = await off.get(`/units/${unit}/registrations?year=${YEAR}`);
      const self = page.text.match(/id="reg-commune_community"[^]*?name="unit" value="(\d+)"/)[1];
      const res = await off.post(`/units/${unit}/registrations`,
        { model: 'commune_community', year: YEAR, unit: self });
      assert.match(res.text, /id="reg-ok">1</);
      const reg = await off.get(`/registrations/${regIds(res.text)[0]}`);
      assert.equal(reg.status, 200);
      assert.match(reg.text, /id="self-form"/);
    });

    await t.test('the self-assessment shows its hand-computed total', async () => {
      const id = ids.families[0];
      let page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /id="self-form"/);
      assert.match(page.text, /name="v_A1\.1"[^>]*|step="0\.5"/);
      // Unverified values are marked.
      assert.match(page.text, /class="badge unverified" title="[^"]+">chưa xác minh</);
      // A value above the maximum is refused beside its field, the input kept.
      let res = await off.post(`/registrations/${id}/self-assess`,
        pointsForm({ ...FAMILY_POINTS, 'A1.2': '12' }));
      assert.equal(res.status, 400);
      assert.match(res.text, /id="ind-A1\.2"[^]*?field-error/);
      assert.match(res.text, /name="v_A3\.3" value="3,5"/);
      res = await off.post(`/registrations/${id}/self-assess`, pointsForm(FAMILY_POINTS));
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="self_assessed"/);
      assert.match(page.text, /class="score-total">85\/100</);
      assert.match(page.text, /id="verify-form"/);
    });

    await t.test('a verifier\'s change needs a reason, which is then shown', async () => {
      const id = ids.families[0];
      const form = { ...pointsForm(FAMILY_POINTS), 'v_A2.3': '4' };
      let res = await off.post(`/registrations/${id}/verify`, form);
      assert.equal(res.status, 400);
      assert.match(res.text, /id="ind-A2\.3"[^]*?field-error/);
      assert.match((await off.get(`/registrations/${id}`)).text, /data-state="self_assessed"/);
      res = await off.post(`/registrations/${id}/verify`,
        { ...form, 'r_A2.3': 'Biên bản kiểm tra của thôn ngày 20/11' });
      assert.equal(res.status, 303);
      const page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="verified"/);
      // 85 - 2 = 83 after the change.
      assert.match(page.text, /class="score-total">83\/100</);
      assert.match(page.text, /<tr class="changed" data-code="A2\.3">[^]*?Biên bản kiểm tra của thôn ngày 20\/11/);
      assert.match(page.text, /id="propose-form"/);
      assert.doesNotMatch(page.text, /<button type="submit" disabled>/);
    });

    await t.test('the clan\'s share of learning families is computed, shown with its source, and blocks the proposal', async () => {
      const id = ids.clan;
      let page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /<strong>0\/2<\/strong> Số hộ của dòng họ được công nhận Gia đình học tập trong năm = 0 %, yêu cầu ≥ 50 %: <span class="unmet">Không đạt</);
      assert.doesNotMatch(page.text, /name="v_B0\.1"/);
      let res = await off.post(`/registrations/${id}/self-assess`, {
        'm_B0.2': '1', 'v_B1.1': '20', 'v_B1.2': '20', 'v_B2.1': '15', 'v_B2.2': '15',
        'v_B3.1': '15', 'v_B3.2': '15',
      });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /class="score-total">100\/100</);
      assert.match(page.text, /B0\.1/);
      res = await off.post(`/registrations/${id}/verify`, {
        'm_B0.2': '1', 'v_B1.1': '20', 'v_B1.2': '20', 'v_B2.1': '15', 'v_B2.2': '15',
        'v_B3.1': '15', 'v_B3.2': '15',
      });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="verified"/);
      assert.match(page.text, /<button type="submit" disabled>/);
      res = await off.post(`/registrations/${id}/propose`, { reason: '' });
      assert.equal(res.status, 409);
      assert.match((await off.get(`/registrations/${id}`)).text, /data-state="verified"/);
    });

    await t.test('propose, return and withdraw with reasons', async () => {
      const id = ids.families[0];
      let res = await off.post(`/registrations/${id}/propose`, { reason: '' });
      assert.equal(res.status, 303);
      let page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="proposed"/);
      assert.match(page.text, /id="waiting"/);
      res = await off.post(`/registrations/${id}/return`, { reason: '' });
      assert.equal(res.status, 400);
      res = await off.post(`/registrations/${id}/return`, { reason: 'Thiếu biên bản họp thôn' });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="verified"/);
      assert.match(page.text, /<span class="reason">Thiếu biên bản họp thôn<\/span>/);
      res = await off.post(`/registrations/${id}/withdraw`, { reason: 'Hộ chuyển đi nơi khác' });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${id}`);
      assert.match(page.text, /data-state="withdrawn"/);
      assert.match(page.text, /Hộ chuyển đi nơi khác/);
      assert.doesNotMatch(page.text, /id="withdraw-form"/);
    });

    await t.test('a viewer sees no action and is refused a change', async () => {
      const v = await loggedIn(srv.url, 'xem.haiphong');
      const id = ids.families[1];
      const page = await v.get(`/registrations/${id}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, /id="self-form"|id="withdraw-form"|enctype="multipart/);
      const list = await v.get(`/units/${unit}/registrations?year=${YEAR}`);
      assert.doesNotMatch(list.text, /id="reg-family"/);
      assert.equal((await v.post(`/registrations/${id}/self-assess`, pointsForm(FAMILY_POINTS))).status, 403);
      assert.equal((await v.post(`/registrations/${id}/withdraw`, { reason: 'x' })).status, 403);
      assert.equal((await v.post(`/units/${unit}/registrations`,
        { model: 'family', year: YEAR, household: ids.households[3] })).status, 403);
    });

    await t.test('an officer of another commune is refused', async () => {
      const o = await loggedIn(srv.url, 'canbo.hongbang');
      assert.equal((await o.get(`/registrations/${ids.families[1]}`)).status, 403);
      assert.equal((await o.get(`/units/${unit}/registrations`)).status, 403);
      assert.equal((await o.get(`/units/${unit}/clans`)).status, 403);
      await o.get('/');
      assert.equal((await o.post(`/registrations/${ids.families[1]}/withdraw`, { reason: 'x' })).status, 403);
      assert.equal((await o.get(`/api/v1/registrations/${ids.families[1]}`)).status, 403);
    });

    await t.test('evidence files are attached and downloaded', async () => {
      const id = ids.families[1];
      await off.get(`/registrations/${id}`);
      const form = new FormData();
      form.append('_csrf', off.csrf);
      form.append('item_code', 'A3.2');
      form.append('file', new Blob(['biên bản'], { type: 'text/plain' }), 'bien-ban.txt');
      const res = await off.request('POST', `/registrations/${id}/evidence`, { body: form });
      assert.equal(res.status, 303);
      const page = await off.get(`/registrations/${id}`);
      const href = page.text.match(/href="(\/registrations\/\d+\/evidence\/\d+)">bien-ban\.txt</)[1];
      const file = await off.get(href);
      assert.equal(file.status, 200);
      assert.equal(file.text, 'biên bản');
      assert.match(file.headers.get('content-type'), /octet-stream/);
    });

    await t.test('the JSON API lists and shows registrations', async () => {
      let res = await off.get(`/api/v1/registrations?unit=${unit}&model=family&year=${YEAR}`);
      assert.equal(res.status, 200);
      assert.equal(res.json.total, 4);
      res = await off.get(`/api/v1/registrations/${ids.families[0]}`);
      assert.equal(res.json.state, 'withdrawn');
      const verify = res.json.assessments.find((a) => a.stage === 'verify');
      assert.equal(verify.total, 83);
      const changed = verify.values.find((v) => v.code === 'A2.3');
      assert.equal(changed.reason, 'Biên bản kiểm tra của thôn ngày 20/11');
    });

    await t.test('the registration list is printed (.pdf) and exported (.xlsx)', async () => {
      const { dir, file } = tmpFile('list.pdf');
      try {
        const pdf = await fetch(`${srv.url}/units/${unit}/registrations.pdf?model=family&year=${YEAR}`,
          { headers: { cookie: off.cookieHeader() } });
        assert.equal(pdf.status, 200);
        assert.match(pdf.headers.get('content-type'), /pdf/);
        fs.writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
        const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' })
          .replace(/\s+/g, ' ');
        assert.match(text, new RegExp(`DANH SÁCH ĐĂNG KÝ XÂY DỰNG GIA ĐÌNH HỌC TẬP NĂM ${YEAR}`));
        assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
        // Three families left (one was withdrawn).
        assert.match(text, /Danh sách có 3 đăng ký/);
        const xlsx = await fetch(`${srv.url}/units/${unit}/registrations.xlsx?model=family&year=${YEAR}`,
          { headers: { cookie: off.cookieHeader() } });
        assert.equal(xlsx.status, 200);
        const xf = path.join(dir, 'list.xlsx');
        fs.writeFileSync(xf, Buffer.from(await xlsx.arrayBuffer()));
        const strings = execFileSync('unzip', ['-p', xf, 'xl/sharedStrings.xml'], { encoding: 'utf8' });
        assert.match(strings, new RegExp(`Danh sách đăng ký xây dựng Gia đình học tập năm ${YEAR}`));
        const api = await off.get(`/api/v1/registrations?unit=${unit}&model=family&year=${YEAR}&state=registered`);
        for (const r of api.json.items) assert.ok(strings.includes(r.subject_name.replace(/&/g, '&amp;')), r.subject_name);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
