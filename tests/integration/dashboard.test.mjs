// The indicators dashboard on SQLite and PostgreSQL, with figures of its
// own: a test indicator (members per population, with targets for 2024)
// over approved 2024 yearly reports of three old wards of Hải Phòng, a
// period the demo does not fill. Phường Cầu Đất (11344) was split between
// the new wards Lê Chân (11383) and Gia Viên (11359); an administrator gives
// Lê Chân 60 % of its figures through the shares page, Gia Viên keeps the
// rest by the default rule. Every value below is computed by hand:
//
//   old ward                population members  carried to (new)
//   11344 Cầu Đất                1000     300   11383: 600/180, 11359: 400/120
//   11395                        2000     400   11383 (whole)
//   11311 Minh Khai               500     100   11311 Hồng Bàng (whole)
//
//   new 11383 Lê Chân   580 / 2600 = 22.31 %  (commune target >= 25: not met)
//   new 11359 Gia Viên  120 /  400 = 30 %     (met)
//   new 11311 Hồng Bàng 100 /  500 = 20 %     (not met)
//   Hải Phòng (31)      800 / 3500 = 22.86 %  (target >= 20, unverified: met)
//
// and under the old structure the districts: 304 (Cầu Đất's) 300/1000 =
// 30 % against a district target of 25 (met), 305 (11395's) 20 % and 303
// (Minh Khai's) 20 % (not met); the province's total is the same.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { PW, loggedIn } from './fixture.mjs';
import { backends, client, runCli, startServer, zipEntry } from './lib.mjs';

const PERIOD = '2024';

const INDICATOR = {
  code: 't-member',
  title_vi: 'Tỷ lệ hội viên (kiểm thử)',
  title_en: 'Members per population (test)',
  form: 'yearly',
  numerator: 'members',
  denominator: 'population',
  factor: 100,
  unit: '%',
  targets: [
    { unit: '31', period: PERIOD, op: '>=', value: 20, verified: false, source: 'kiểm thử' },
    { unit_kind: 'commune', period: PERIOD, op: '>=', value: 25, verified: true },
    { unit_kind: 'district', period: PERIOD, op: '>=', value: 25, verified: true },
  ],
};

const REPORTS = [
  ['11344', 1000, 300],
  ['11395', 2000, 400],
  ['11311', 500, 100],
];

// The rows of the per-unit table of one page: {code: {num, den, value,
// target, met, mark}}, in the order shown, and the section of the indicator.
function unitRows(html, code) {
  const sec = html.split(`<section class="card indicator" id="ind-${code}"`)[1];
  assert.ok(sec, `the page shows ${code}`);
  const table = sec.split('<table class="fig units">')[1].split('</table>')[0];
  const rows = {};
  for (const m of table.matchAll(/<tr[^>]*data-unit="([^"]+)">(.*?)<\/tr>/g)) {
    const cells = [...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]);
    rows[m[1]] = {
      num: cells[0], den: cells[1], value: cells[2].replace(/<[^>]+>/g, ''),
      target: cells[3].replace(/<[^>]+>/g, ''), met: cells[4].replace(/<[^>]+>/g, ''),
      mark: /share-mark/.test(m[2]), total: /class="total"/.test(m[0]),
    };
  }
  return { rows, section: sec.split('</section>')[0] };
}

// The pager of a paged per-unit table: {page, pages, units, range}, or null.
function pager(html) {
  const m = html.match(/<p class="pager" data-page="(\d+)" data-pages="(\d+)" data-units="(\d+)"><span class="range">([^<]*)<\/span>/);
  return m ? { page: +m[1], pages: +m[2], units: +m[3], range: m[4] } : null;
}

// Every page of one indicator's per-unit table, followed through the
// pager: the rows of all pages, the pages' text, the sections.
async function allUnitRows(c, pathQuery, code) {
  const first = await c.get(`${pathQuery}&indicator=${code}`);
  assert.equal(first.status, 200, first.text);
  const pg = pager(first.text);
  const pages = [first.text];
  for (let p = 2; pg && p <= pg.pages; p++) {
    const res = await c.get(`${pathQuery}&indicator=${code}&page=${p}`);
    assert.equal(res.status, 200, res.text);
    pages.push(res.text);
  }
  const rows = {};
  for (const html of pages) {
    const r = unitRows(html, code).rows;
    // The total row stays on every page, first.
    assert.ok(Object.values(r)[0].total, 'the total row heads every page');
    Object.assign(rows, r);
  }
  return { rows, pages, section: unitRows(first.text, code).section };
}

for (const backend of backends()) {
  test(`indicators dashboard on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-dash-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cli = async (args) => {
      const r = await runCli(args, { db: srv.db, env: { KHUYENHOC_LANG: 'en' } });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    fs.writeFileSync(path.join(dir, 't-member.json'), JSON.stringify(INDICATOR));
    await cli(['indicator', 'load', '--dir', dir]);
    for (const [unit, population, members] of REPORTS) {
      const base = ['--form', 'yearly', '--unit', unit, '--period', PERIOD];
      await cli(['report', 'save', ...base, `population=${population}`,
        `households=${population / 4}`, `members=${members}`]);
      await cli(['report', 'submit', ...base]);
      await cli(['report', 'approve', ...base]);
    }
    const admin = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
    const mgr = await loggedIn(srv.url, 'quanly.lechan', { home: true });
    const other = await loggedIn(srv.url, 'canbo.hongbang', { home: true });

    await t.test('the shares page: admin only, the default rule, a share set and audited', async () => {
      let res = await mgr.get('/units/31/shares');
      assert.equal(res.status, 403);
      res = await mgr.post('/units/31/shares', { pair: '11344>11383', percent: '60' });
      assert.equal(res.status, 403);
      res = await admin.get('/units/31/shares');
      assert.equal(res.status, 200);
      assert.match(res.text, /id="share-rule"/);
      // Before: Cầu Đất is split equally by the default rule.
      assert.match(res.text, /data-old="11344" data-new="11383" data-origin="rule"><td>[^<]*<\/td><td>[^<]*<\/td><td class="num share">50 %/);
      // Refused input is shown again with what was typed.
      res = await admin.post('/units/31/shares', { pair: '11344>11383', percent: 'sáu mươi', note: 'Theo diện tích' });
      assert.equal(res.status, 422);
      assert.match(res.text, /value="sáu mươi"/);
      assert.match(res.text, /value="Theo diện tích"/);
      res = await admin.post('/units/31/shares', { pair: '11344>11383', percent: '140' });
      assert.equal(res.status, 422);
      res = await admin.post('/units/31/shares', { pair: '11344>11383', percent: '60', note: 'Theo dân số' });
      assert.equal(res.status, 303, res.text);
      res = await admin.get(res.location);
      assert.match(res.text, /data-old="11344" data-new="11383" data-origin="admin"><td>[^<]*<\/td><td>[^<]*<\/td><td class="num share">60 %/);
      assert.match(res.text, /data-old="11344" data-new="11359" data-origin="rule"><td>[^<]*<\/td><td>[^<]*<\/td><td class="num share">40 %/);
      assert.match(res.text, /Theo dân số/);
      const audit = await admin.json('GET', '/api/v1/audit?unit=11344');
      assert.equal(audit.status, 200, audit.text);
      assert.ok(JSON.stringify(audit.json).includes('report_share'), 'the share is audited');
    });

    await t.test('new structure: hand-computed values, targets, the share footnote', async () => {
      const { rows, section, pages } = await allUnitRows(admin,
        `/units/31/dashboard?period=${PERIOD}&structure=new`, 't-member');
      const text = pages.join('\n');
      assert.deepEqual(
        { num: rows['31'].num, den: rows['31'].den, value: rows['31'].value, met: rows['31'].met },
        { num: '800', den: '3.500', value: '22,86 %', met: 'Đạt' },
      );
      assert.match(rows['31'].target, /≥ 20 %\s*chưa xác minh/);
      assert.deepEqual([rows['11383'].num, rows['11383'].den, rows['11383'].value, rows['11383'].met],
        ['580', '2.600', '22,31 %', 'Không đạt']);
      assert.equal(rows['11383'].target, '≥ 25 %');
      assert.deepEqual([rows['11359'].value, rows['11359'].met], ['30 %', 'Đạt']);
      assert.deepEqual([rows['11311'].value, rows['11311'].met], ['20 %', 'Không đạt']);
      assert.ok(rows['11383'].mark && rows['11359'].mark, 'the split ward\'s shares are marked');
      assert.ok(!rows['11311'].mark, 'a whole merge is not a share');
      // The footnote names the old ward and the share.
      assert.match(text, /<li id="share-\d+">Phường Lê Chân: 60 % số liệu của Phường Cầu Đất \(11344\)<\/li>/);
      assert.match(text, /<li id="share-\d+">Phường Gia Viên: 40 % số liệu của Phường Cầu Đất \(11344\)<\/li>/);
      // Each page numbers the footnotes of its own rows only, and every
      // mark points to a footnote of the same page.
      for (const html of pages) {
        const marks = [...html.matchAll(/<sup class="share-mark"><a href="#share-(\d+)">/g)].map((m) => m[1]);
        const notes = [...html.matchAll(/<li id="share-(\d+)">/g)].map((m) => m[1]);
        assert.deepEqual([...new Set(marks)].sort(), notes.sort());
      }
      // Charts carry the figures with a title and the target line.
      assert.match(section, /<svg class="chart"[^>]*role="img"[^>]*aria-labelledby="chart-units-t-member-t chart-units-t-member-d"/);
      // The chart holds every unit below on every page, highest value
      // first: Gia Viên (30 %), Lê Chân (22,31 %), Hồng Bàng (20 %), then
      // the units without a value.
      const bars = [...section.split('id="chart-units-t-member"')[1].split('</svg>')[0]
        .matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
      assert.equal(bars.length, Object.keys(rows).length - 1);
      assert.deepEqual(bars.slice(0, 3),
        ['Phường Gia Viên: 30 %', 'Phường Lê Chân: 22,31 %', 'Phường Hồng Bàng: 20 %']);
      assert.match(bars[3], /: —$/);
      assert.match(section, /<title>Phường Lê Chân: 22,31 %<\/title>/);
      assert.match(section, /<g class="target">/);
      assert.match(section, /<tr data-period="2024"><th scope="row">2024[^]*?22,86 %/);
    });

    await t.test('old structure: the districts, the same province total', async () => {
      const { rows } = await allUnitRows(admin,
        `/units/31/dashboard?period=${PERIOD}&structure=old`, 't-member');
      assert.equal(rows['31'].value, '22,86 %');
      assert.deepEqual([rows['304'].value, rows['304'].met], ['30 %', 'Đạt']);
      assert.deepEqual([rows['305'].value, rows['305'].met], ['20 %', 'Không đạt']);
      assert.deepEqual([rows['303'].value, rows['303'].met], ['20 %', 'Không đạt']);
      assert.equal(rows['303'].target, '≥ 25 %');
      // A district's page lists its old wards.
      const res = await admin.get(`/units/305/dashboard?period=${PERIOD}&structure=old&indicator=t-member`);
      assert.equal(res.status, 200, res.text);
      assert.equal(pager(res.text), null, 'a few units: one page');
      const d = unitRows(res.text, 't-member').rows;
      assert.deepEqual([d['11395'].num, d['11395'].den, d['11395'].value], ['400', '2.000', '20 %']);
      assert.equal(d['11383'].value, '—', 'no approved report, no value');
    });

    await t.test('the overview: every indicator, its figures, units below reaching the target', async () => {
      const api = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
      assert.equal(api.status, 200, api.text);
      const res = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=new`);
      assert.equal(res.status, 200, res.text);
      const ov = res.text.split('<section class="card" id="dash-overview">')[1].split('</section>')[0];
      const rows = {};
      for (const m of ov.matchAll(/<tr data-indicator="([^"]+)"[^>]*><th scope="row"><a[^>]*href="([^"]+)"[^>]*>([^<]*)<\/a><\/th>(.*?)<\/tr>/g)) {
        const cells = [...m[4].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1].replace(/<[^>]+>/g, ''));
        rows[m[1]] = { href: m[2], title: m[3], value: cells[0], target: cells[1], met: cells[2],
          num: cells[3], den: cells[4], reach: cells[5] };
      }
      // Every indicator of the period, in the order of the API.
      assert.deepEqual(Object.keys(rows), api.json.indicators.map((i) => i.code));
      // t-member by hand: 800 / 3500 = 22,86 % against >= 20 (unverified);
      // of the new wards with a value, Gia Viên (30 %) reaches 25, Lê Chân
      // (22,31 %) and Hồng Bàng (20 %) do not: 1 of 3.
      const m = rows['t-member'];
      assert.equal(m.title, 'Tỷ lệ hội viên (kiểm thử)');
      assert.deepEqual([m.value, m.met, m.num, m.den, m.reach],
        ['22,86 %', 'Đạt', '800', '3.500', '1/3 đơn vị']);
      assert.match(m.target, /≥ 20 %\s*chưa xác minh/);
      assert.equal(m.href,
        `/units/31/dashboard?period=${PERIOD}&amp;structure=new&amp;indicator=t-member#ind-t-member`);
      // The other indicators' counts agree with the API's rows.
      for (const ind of api.json.indicators) {
        const below = ind.rows.filter((r) => !r.total && r.value !== null && r.met !== null);
        const met = below.filter((r) => r.met === true).length;
        assert.equal(rows[ind.code].reach, below.length ? `${met}/${below.length} đơn vị` : '—', ind.code);
      }
      // Under the old structure the districts: 304 (30 %) reaches 25, 305
      // and 303 (20 %) do not.
      const old = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=old`);
      assert.match(old.text, /<tr data-indicator="t-member"[^]*?data-met="1" data-with-value="3"[^>]*>1\/3 đơn vị</);
      // A ward has no units below: no count column.
      const ward = await mgr.get(`/units/11383/dashboard?period=${PERIOD}&structure=new`);
      assert.equal(ward.status, 200);
      // The city's administrator on a ward's dashboard: the menu's
      // indicators entry is the current one, not the units.
      const seen = await admin.get(`/units/11383/dashboard?period=${PERIOD}&structure=new`);
      assert.match(seen.text, /<li><a href="\/units\/31\/dashboard" aria-current="page">/);
      assert.doesNotMatch(seen.text, /<li><a href="\/units" aria-current="page">/);
      assert.ok(ward.text.includes('id="dash-overview"'));
      assert.ok(!ward.text.includes('class="num reach"'));
    });

    await t.test('one indicator at a time, switched from the overview', async () => {
      const base = `/units/31/dashboard?period=${PERIOD}&structure=new`;
      const api = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
      const codes = api.json.indicators.map((i) => i.code);
      assert.ok(codes.length >= 2);
      // Default: the first indicator.
      let res = await admin.get(base);
      let secs = [...res.text.matchAll(/<section class="card indicator" id="ind-([^"]+)" data-indicator="([^"]+)"/g)];
      assert.deepEqual(secs.map((x) => x[2]), [codes[0]]);
      assert.match(res.text, new RegExp(`<tr data-indicator="${codes[0]}" class="current">`));
      // Another one through its link, with the period and the structure kept.
      res = await admin.get(`${base}&indicator=t-member`);
      assert.equal(res.status, 200);
      secs = [...res.text.matchAll(/<section class="card indicator" id="ind-([^"]+)"/g)];
      assert.deepEqual(secs.map((x) => x[1]), ['t-member']);
      assert.match(res.text, /<tr data-indicator="t-member" class="current"><th scope="row"><a aria-current="page"/);
      assert.match(res.text, /<table class="fig years">/);
      // The rows' links go down with the same indicator, period and structure.
      const all = await allUnitRows(admin, base, 't-member');
      assert.ok(all.pages.some((h) =>
        h.includes(`href="/units/11383/dashboard?period=${PERIOD}&amp;structure=new&amp;indicator=t-member"`)));
      // Steps to the neighbours.
      const k = codes.indexOf('t-member');
      if (k > 0)
        assert.ok(res.text.includes(`rel="prev" href="/units/31/dashboard?period=${PERIOD}&amp;structure=new&amp;indicator=${codes[k - 1]}#ind-${codes[k - 1]}"`));
      if (k < codes.length - 1)
        assert.ok(res.text.includes(`rel="next" href="/units/31/dashboard?period=${PERIOD}&amp;structure=new&amp;indicator=${codes[k + 1]}#ind-${codes[k + 1]}"`));
    });

    await t.test('an unknown indicator: the first one, with a notice', async () => {
      const res = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=new&indicator=khong-co%3Cb%3E`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<p class="notice" id="dash-notice" role="status">Không có chỉ tiêu &quot;khong-co&lt;b&gt;&quot; trong kỳ này: hiển thị chỉ tiêu đầu tiên.<\/p>/);
      const api = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
      assert.match(res.text, new RegExp(`<section class="card indicator" id="ind-${api.json.indicators[0].code}"`));
      const ok = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=new&indicator=t-member`);
      assert.ok(!ok.text.includes('dash-notice'));
    });

    await t.test('paging the units of the province: 30 a page, the total on each, every unit reachable', async () => {
      const base = `/units/31/dashboard?period=${PERIOD}&structure=new&indicator=t-member`;
      const api = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
      const below = api.json.indicators.find((i) => i.code === 't-member').rows.filter((r) => !r.total);
      assert.ok(below.length > 60, 'the new communes of Hải Phòng');
      const pages = Math.ceil(below.length / 30);
      let res = await admin.get(base);
      let pg = pager(res.text);
      assert.deepEqual([pg.page, pg.pages, pg.units, pg.range],
        [1, pages, below.length, `Đơn vị 1–30 trên tổng số ${below.length}`]);
      assert.deepEqual(Object.keys(unitRows(res.text, 't-member').rows), ['31', ...below.slice(0, 30).map((r) => r.unit_code)]);
      // Page 2: the next 30 units, the total row first, the figures of a
      // unit there the same as the API's.
      res = await admin.get(`${base}&page=2`);
      pg = pager(res.text);
      assert.deepEqual([pg.page, pg.range], [2, `Đơn vị 31–60 trên tổng số ${below.length}`]);
      const r2 = unitRows(res.text, 't-member').rows;
      assert.deepEqual(Object.keys(r2), ['31', ...below.slice(30, 60).map((r) => r.unit_code)]);
      assert.equal(r2['31'].value, '22,86 %');
      const u = below[30];
      assert.equal(r2[u.unit_code].value, u.value === null ? '—' : `${String(u.value).replace('.', ',')} %`);
      assert.ok(res.text.includes(`rel="prev" href="${base.replace(/&/g, '&amp;')}&amp;page=1#units-t-member"`));
      // Every unit is on exactly one page.
      const all = await allUnitRows(admin, `/units/31/dashboard?period=${PERIOD}&structure=new`, 't-member');
      assert.deepEqual(Object.keys(all.rows).filter((c) => c !== '31').sort(), below.map((r) => r.unit_code).sort());
      // The last page holds the rest; a page past the end shows the last.
      res = await admin.get(`${base}&page=999`);
      pg = pager(res.text);
      assert.equal(pg.page, pages);
      assert.equal(Object.keys(unitRows(res.text, 't-member').rows).length, 1 + below.length - 30 * (pages - 1));
      res = await admin.get(`${base}&page=abc`);
      assert.equal(pager(res.text).page, 1);
    });

    await t.test('the province page is small: one indicator, 30 rows', async () => {
      const res = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=new&indicator=t-member`);
      assert.equal(res.status, 200);
      assert.equal((res.text.match(/<section class="card indicator"/g) || []).length, 1);
      assert.equal((res.text.match(/<tr (class="total" )?data-unit=/g) || []).length, 31);
      const bytes = Buffer.byteLength(res.text);
      assert.ok(bytes < 120000, `${bytes} bytes`);
    });

    await t.test('JSON and CSV', async () => {
      let res = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.structure, 'new');
      const ind = res.json.indicators.find((i) => i.code === 't-member');
      const le = ind.rows.find((r) => r.unit_code === '11383');
      assert.deepEqual(
        [le.numerator, le.denominator, le.factor, le.value, le.target, le.target_op, le.met, le.share_applied, le.share_note],
        [580, 2600, 100, 22.31, 25, '>=', false, true, '11344: 60%'],
      );
      const total = ind.rows.find((r) => r.total);
      assert.deepEqual([total.value, total.met, total.target_verified], [22.86, true, false]);
      assert.ok(ind.series.some((s) => s.period === PERIOD && s.value === 22.86));
      res = await admin.get(`/api/v1/indicators?unit=31&period=${PERIOD}&structure=new&format=csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /text\/csv/);
      const lines = res.text.split('\r\n');
      assert.equal(lines[0], 'period,indicator,unit_code,unit_name,total,numerator,denominator,factor,value,unit,target_op,target,met,target_verified,share_applied,share_note');
      assert.ok(lines.includes('2024,t-member,11383,Phường Lê Chân,0,580,2600,100,22.31,%,>=,25,0,1,1,11344: 60%'), res.text);
      // The province's total holds both pieces of Cầu Đất.
      assert.ok(lines.includes('2024,t-member,31,Thành phố Hải Phòng,1,800,3500,100,22.86,%,>=,20,1,0,1,"11344: 60%, 11344: 40%"'), res.text);
      res = await admin.json('GET', '/api/v1/indicators?unit=31&period=2024&structure=sideways');
      assert.equal(res.status, 400);
      assert.match(res.text, /structure/);
    });

    await t.test('.xlsx read back and the PDF through pdftotext', async () => {
      let res = await fetch(`${srv.url}/units/31/dashboard.xlsx?period=${PERIOD}&structure=new`,
        { headers: { cookie: admin.cookieHeader() } });
      assert.equal(res.status, 200);
      const buf = Buffer.from(await res.arrayBuffer());
      const strings = zipEntry(buf, 'xl/sharedStrings.xml');
      const sheet = zipEntry(buf, 'xl/worksheets/sheet1.xml');
      assert.ok(strings.includes('Tỷ lệ hội viên (kiểm thử)'));
      assert.ok(strings.includes('Phường Lê Chân'));
      assert.ok(strings.includes('11344: 60%'));
      assert.match(sheet, /<v>22\.31<\/v>/);
      assert.match(sheet, /<v>2600<\/v>/);
      res = await fetch(`${srv.url}/units/31/dashboard.pdf?period=${PERIOD}&structure=new`,
        { headers: { cookie: admin.cookieHeader() } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = path.join(dir, 'dash.pdf');
      fs.writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
      const txt = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      assert.equal(txt.status, 0, txt.stderr);
      assert.match(txt.stdout, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
      assert.match(txt.stdout, /BÁO CÁO/);
      assert.match(txt.stdout, /Hải Phòng, ngày \d+ tháng \d+ năm \d{4}/);
      assert.match(txt.stdout, /22,31 %/);
      assert.match(txt.stdout, /60 % số liệu của Phường Cầu Đất \(11344\)/);
    });

    await t.test('refusals: another ward\'s officer, no login', async () => {
      let res = await other.get(`/units/11383/dashboard?period=${PERIOD}`);
      assert.equal(res.status, 403);
      res = await other.json('GET', `/api/v1/indicators?unit=11383&period=${PERIOD}`);
      assert.equal(res.status, 403);
      res = await client(srv.url).get(`/units/31/dashboard?period=${PERIOD}`);
      assert.equal(res.status, 303);
      res = await client(srv.url).json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}`);
      assert.equal(res.status, 401);
      // The ward's own manager reads its dashboard.
      res = await mgr.get(`/units/11383/dashboard?period=${PERIOD}&structure=new&indicator=t-member`);
      assert.equal(res.status, 200);
      assert.equal(unitRows(res.text, 't-member').rows['11383'].value, '22,31 %');
    });
  });
}
