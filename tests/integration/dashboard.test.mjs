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

// The rows of one indicator's table by unit: {code: {value, met, mark}}.
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
      mark: /share-mark/.test(m[2]),
    };
  }
  return { rows, section: sec.split('</section>')[0] };
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
      const res = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=new`);
      assert.equal(res.status, 200, res.text);
      const { rows, section } = unitRows(res.text, 't-member');
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
      assert.match(res.text, /<li id="share-\d+">Phường Lê Chân: 60 % số liệu của Phường Cầu Đất \(11344\)<\/li>/);
      assert.match(res.text, /<li id="share-\d+">Phường Gia Viên: 40 % số liệu của Phường Cầu Đất \(11344\)<\/li>/);
      // Charts carry the figures with a title and the target line.
      assert.match(section, /<svg class="chart"[^>]*role="img"[^>]*aria-labelledby="chart-units-t-member-t chart-units-t-member-d"/);
      assert.match(section, /<title>Phường Lê Chân: 22,31 %<\/title>/);
      assert.match(section, /<g class="target">/);
      assert.match(section, /<tr data-period="2024"><th scope="row">2024[^]*?22,86 %/);
    });

    await t.test('old structure: the districts, the same province total', async () => {
      let res = await admin.get(`/units/31/dashboard?period=${PERIOD}&structure=old`);
      assert.equal(res.status, 200);
      const { rows } = unitRows(res.text, 't-member');
      assert.equal(rows['31'].value, '22,86 %');
      assert.deepEqual([rows['304'].value, rows['304'].met], ['30 %', 'Đạt']);
      assert.deepEqual([rows['305'].value, rows['305'].met], ['20 %', 'Không đạt']);
      assert.deepEqual([rows['303'].value, rows['303'].met], ['20 %', 'Không đạt']);
      assert.equal(rows['303'].target, '≥ 25 %');
      // A district's page lists its old wards.
      res = await admin.get(`/units/305/dashboard?period=${PERIOD}&structure=old`);
      assert.equal(res.status, 200, res.text);
      const d = unitRows(res.text, 't-member').rows;
      assert.deepEqual([d['11395'].num, d['11395'].den, d['11395'].value], ['400', '2.000', '20 %']);
      assert.equal(d['11383'].value, '—', 'no approved report, no value');
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
      res = await mgr.get(`/units/11383/dashboard?period=${PERIOD}&structure=new`);
      assert.equal(res.status, 200);
      assert.equal(unitRows(res.text, 't-member').rows['11383'].value, '22,31 %');
    });
  });
}
