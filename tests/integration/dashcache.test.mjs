// The server keeps the consolidations behind the indicators dashboard
// between requests; it must never show a figure that a change has made
// stale. On SQLite and PostgreSQL: the dashboard of Hải Phòng is shown
// (twice, so that the second comes from what the server kept), then each
// change below is made and the very next page must show the new figure,
// computed by hand. Reports are changed through the command line, another
// process than the server, and the share through the administrators' page.
//
//   old ward        population members  carried to (new)
//   11344 Cầu Đất        1000     300   11383 and 11359, 50 % each by the
//                                       rule, then 60 % to 11383 (a share)
//   11395                2000     400   11383 (whole)
//   11311 Minh Khai       500     100   11311 Hồng Bàng (whole)
//
//   1. 11344 and 11395 approved:  11383  550 / 2500 = 22 %,
//                                 31     700 / 3000 = 23,33 %
//   2. 11311 approved:            11311  100 / 500 = 20 %,
//                                 31     800 / 3500 = 22,86 %
//   3. share 60 % to 11383:       11383  580 / 2600 = 22,31 %, 11359 30 %
//   4. 11395 reopened:            11383  180 / 600 = 30 %,
//                                 31     400 / 1500 = 26,67 %

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { backends, client, runCli, startServer } from './lib.mjs';

const PW = 'khuyenhoc-demo';
const PERIOD = '2024';

const INDICATOR = {
  code: 't-cache',
  title_vi: 'Tỷ lệ hội viên (kiểm thử bộ nhớ đệm)',
  title_en: 'Members per population (cache test)',
  form: 'yearly',
  numerator: 'members',
  denominator: 'population',
  factor: 100,
  unit: '%',
  targets: [],
};

// The value cell of each unit of the indicator's table on one page:
// {code: value}, and the number of pages of the table.
function values(html) {
  const sec = html.split('<section class="card indicator" id="ind-t-cache"')[1];
  assert.ok(sec, 'the page shows the indicator');
  const table = sec.split('<table class="fig units">')[1].split('</table>')[0];
  const out = {};
  for (const m of table.matchAll(/<tr[^>]*data-unit="([^"]+)">(.*?)<\/tr>/g)) {
    const cells = [...m[2].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]);
    out[m[1]] = cells[2].replace(/<[^>]+>/g, '');
  }
  const pg = sec.match(/<p class="pager" data-page="\d+" data-pages="(\d+)"/);
  return { out, pages: pg ? +pg[1] : 1 };
}

for (const backend of backends()) {
  test(`dashboard figures kept by the server stay current on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-dashcache-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const cli = async (args) => {
      const r = await runCli(args, { db: srv.db, env: { KHUYENHOC_LANG: 'en' } });
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const approve = async (unit, population, members) => {
      const base = ['--form', 'yearly', '--unit', unit, '--period', PERIOD];
      await cli(['report', 'save', ...base, `population=${population}`,
        `households=${population / 4}`, `members=${members}`]);
      await cli(['report', 'submit', ...base]);
      await cli(['report', 'approve', ...base]);
    };
    fs.writeFileSync(path.join(dir, 't-cache.json'), JSON.stringify(INDICATOR));
    await cli(['indicator', 'load', '--dir', dir]);
    await approve('11344', 1000, 300);
    await approve('11395', 2000, 400);
    const admin = client(srv.url);
    assert.equal((await admin.login('hkh.haiphong', PW)).status, 303);
    await admin.get('/');
    // Every page of the indicator's per-unit table (114 new communes).
    const page = async () => {
      const url = `/units/31/dashboard?period=${PERIOD}&structure=new&indicator=t-cache`;
      let res = await admin.get(url);
      assert.equal(res.status, 200, res.text);
      const first = values(res.text);
      const out = { ...first.out };
      for (let p = 2; p <= first.pages; p++) {
        res = await admin.get(`${url}&page=${p}`);
        assert.equal(res.status, 200, res.text);
        Object.assign(out, values(res.text).out);
      }
      return out;
    };
    // Nothing is kept while the newest change of a unit is under two
    // seconds old (the demo's units were just written).
    await new Promise((r) => setTimeout(r, 2500));

    let v = await page();
    assert.deepEqual([v['11383'], v['31']], ['22 %', '23,33 %']);
    v = await page();
    assert.deepEqual([v['11383'], v['31']], ['22 %', '23,33 %'], 'the kept figures');

    await approve('11311', 500, 100);
    v = await page();
    assert.deepEqual([v['11311'], v['31']], ['20 %', '22,86 %'], 'an approval shows at once');

    let res = await admin.post('/units/31/shares', { pair: '11344>11383', percent: '60', note: 'Theo dân số' });
    assert.equal(res.status, 303, res.text);
    v = await page();
    assert.deepEqual([v['11383'], v['11359'], v['31']], ['22,31 %', '30 %', '22,86 %'],
      'a share shows at once');

    await cli(['report', 'reopen', '--form', 'yearly', '--unit', '11395', '--period', PERIOD,
      '--comment', 'Số liệu cần kiểm tra lại']);
    v = await page();
    assert.deepEqual([v['11383'], v['31']], ['30 %', '26,67 %'], 'a reopened report leaves at once');

    // The JSON API reads the same kept figures.
    res = await admin.json('GET', `/api/v1/indicators?unit=31&period=${PERIOD}&structure=new`);
    assert.equal(res.status, 200, res.text);
    const ind = res.json.indicators.find((i) => i.code === 't-cache');
    const le = ind.rows.find((r) => r.unit_code === '11383');
    assert.deepEqual([le.numerator, le.denominator, le.value], [180, 600, 30]);
  });
}
