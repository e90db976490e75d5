// Reports on the command line, on SQLite and on PostgreSQL, over the demo
// data set (two approved 2025 reports of new wards of Hải Phòng, two approved
// 2023 Study Encouragement Month reports of old wards of Quận Lê Chân):
// consolidated reports in csv, json, .xlsx (read back) and PDF (read back
// through pdftotext), the same totals under both structures, indicators
// against their targets, completeness, and refused input that loses
// nothing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { backends, freshDatabase, runCli, zipEntry } from './lib.mjs';

function json(r) {
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

for (const backend of backends()) {
  test(`reports on the command line (${backend.name})`, async (t) => {
    const db = await freshDatabase(backend);
    const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-reports-'));
    const cli = (args) => runCli(args, { db: db.url, env: { KHUYENHOC_LANG: 'en' } });
    t.after(async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    });

    await t.test('the shipped forms are loaded by the demo', async () => {
      const forms = json(await cli(['report', 'forms', 'list', '--format', 'json']));
      assert.deepEqual(forms.map((f) => f.code), ['clc', 'lifelong-week', 'study-month', 'yearly']);
      assert.ok(forms.find((f) => f.code === 'yearly').fields > 40);
    });

    await t.test('a consolidated report is the same under both structures', async () => {
      const args = ['report', 'show', '--form', 'yearly', '--unit', '31', '--period', '2025',
        '--format', 'json'];
      const n = json(await cli(args));
      assert.equal(n.structure, 'new');
      const total = n.rows[0];
      assert.equal(total.unit, '31');
      assert.equal(total.total, true);
      assert.equal(total.reports, 2);
      assert.equal(total.values.population, 98500 + 71200);
      assert.equal(total.values.members, 27900 + 18600);
      // Recomputed, not summed: 46500 / 169700.
      assert.equal(total.values.member_ratio, 27.4);
      assert.equal(total.values.fund_raised, 1250000000 + 760000000);
      assert.equal(total.values.digital_event, 2);
      const lechan = n.rows.find((r) => r.unit === '11383');
      assert.equal(lechan.own, true);
      assert.equal(lechan.values.assessment, 'Phong trào khuyến học được duy trì sau sáp nhập.');
      assert.equal(total.share_applied, false);

      const o = json(await cli([...args, '--structure', 'old']));
      assert.equal(o.structure, 'old');
      assert.equal(o.rows[0].values.population, 169700);
      assert.equal(o.rows[0].values.households, 27600 + 19800);
      assert.equal(o.rows[0].share_applied, true, 'the new wards were split among old ones');
      const districts = o.rows.filter((r) => !r.total);
      assert.ok(districts.every((r) => r.kind === 'district'));
      assert.equal(districts.reduce((s, r) => s + (r.values.population || 0), 0), 169700);
      assert.match(o.rows.find((r) => r.unit === '305').shares, /11383: /);
    });

    await t.test('csv keeps the form layout', async () => {
      const r = await cli(['report', 'show', '--form', 'study-month', '--unit', '305',
        '--period', '2023-KH']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.match(lines[0], /^section,code,title,305 Quận Lê Chân,11371 Phường An Biên,/);
      assert.match(r.stdout, /\nI,events,Số hoạt động hưởng ứng khác,10,/);
      assert.match(r.stdout, /\nII,member_ratio,Tỷ lệ hội viên trên dân số \(%\),27\.25,/);
    });

    await t.test('.xlsx: the layout with numbers as numbers', async () => {
      const out = path.join(dir, 'yearly.xlsx');
      const r = await cli(['report', 'show', '--form', 'yearly', '--unit', '31', '--period', '2025',
        '--format', 'xlsx', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const buf = fs.readFileSync(out);
      const sheet = zipEntry(buf, 'xl/worksheets/sheet1.xml');
      const strings = zipEntry(buf, 'xl/sharedStrings.xml') || '';
      assert.ok(sheet, 'a worksheet');
      // Population of the city: a number cell, not text.
      assert.match(sheet, /<c r="D\d+"[^>]*><v>169700<\/v><\/c>/);
      assert.doesNotMatch(sheet, /<c r="D\d+"[^>]*t="(s|str|inlineStr)"[^>]*><v>169700</);
      assert.match(sheet, /<v>27\.4<\/v>/);
      assert.match(strings, /Dân số/);
      assert.match(strings, /Thành phố Hải Phòng/);
      assert.match(strings, /Mã chỉ tiêu/);
    });

    await t.test('PDF in the official layout', async (tt) => {
      if (spawnSync('pdftotext', ['-v']).error) {
        tt.skip('pdftotext is not installed');
        return;
      }
      const out = path.join(dir, 'month.pdf');
      const r = await cli(['report', 'show', '--form', 'study-month', '--unit', '305',
        '--period', '2023-KH', '--format', 'pdf', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).stdout;
      assert.match(text, /CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/);
      assert.match(text, /BÁO CÁO/);
      assert.match(text, /HỘI KHUYẾN HỌC[^\n]*\n\s*QUẬN LÊ CHÂN/);
      assert.match(text, /từ ngày 02\/09\/2023 đến ngày 02\/10\/2023/);
      assert.match(text, /Tháng Khuyến học/);
      assert.match(text, /Số hoạt động hưởng ứng khác\s+10/);
      assert.match(text, /Số liệu tổng hợp từ 2 báo cáo/);
    });

    await t.test('indicators with their targets', async () => {
      const l = json(await cli(['indicator', 'show', '--unit', '31', '--period', '2023-KH',
        '--format', 'json']));
      const find = (code, unit) => l.indicators.find((x) => x.indicator === code && x.unit === unit);
      const boards = find('boards-new', '305');
      assert.equal(boards.numerator, 3 + 4);
      assert.equal(boards.target, 10);
      assert.equal(boards.met, false);
      assert.equal(find('major-events', '305').met, true);
      assert.equal(find('major-events', '304').met, null, 'no report');
      const ratio = find('member-ratio-month', '31');
      assert.equal(ratio.numerator, 5900 + 4700);
      assert.equal(ratio.denominator, 21300 + 17600);
      assert.equal(ratio.value, 27.25);
      assert.equal(ratio.target, 27.5);
      assert.equal(ratio.met, false);
      const csv = await cli(['indicator', 'show', '--unit', '31', '--period', '2025']);
      assert.equal(csv.code, 0, csv.stderr);
      assert.match(csv.stdout, /^indicator,unit,name,numerator,denominator,value,/);
      assert.match(csv.stdout, /\nmember-ratio,31,Thành phố Hải Phòng,46500,169700,27\.4,/);
    });

    await t.test('completeness of the city', async () => {
      const r = await cli(['report', 'status', '--form', 'yearly', '--unit', '31', '--period', '2025']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\n11383,Phường Lê Chân,approved,/);
      assert.match(r.stdout, /\n11311,Phường Hồng Bàng,approved,/);
      assert.match(r.stdout, /\n10507,Phường Thành Đông,missing,,/);
      assert.match(r.stderr, /submitted: 2/);
    });

    await t.test('bad input is refused and nothing entered is lost', async () => {
      const base = ['--form', 'yearly', '--unit', '11407', '--period', '2025'];
      let r = await cli(['report', 'save', ...base, 'population=1000', 'members=12a',
        'households=-4', 'fund_raised=1.500.000']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /members/);
      assert.match(r.stderr, /households/);
      r = await cli(['report', 'submit', ...base]);
      assert.equal(r.code, 2);
      let g = json(await cli(['report', 'get', ...base, '--format', 'json']));
      assert.equal(g.state, 'draft');
      assert.equal(g.values.members.raw, '12a');
      assert.equal(g.values.fund_raised.raw, '1.500.000');
      r = await cli(['report', 'save', ...base, 'members=1200', 'households=300']);
      assert.equal(r.code, 2, 'more members than people');
      assert.match(r.stderr, /members/);
      r = await cli(['report', 'save', ...base, 'members=250']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal((await cli(['report', 'submit', ...base])).code, 0);
      r = await cli(['report', 'return', ...base]);
      assert.equal(r.code, 2, 'a return needs a comment');
      assert.equal((await cli(['report', 'approve', ...base])).code, 0);
      // Locked.
      r = await cli(['report', 'save', ...base, 'members=260']);
      assert.equal(r.code, 5, r.stderr);
      g = json(await cli(['report', 'get', ...base, '--format', 'json']));
      assert.equal(g.state, 'approved');
      assert.equal(g.values.members.raw, '250');
      assert.equal((await cli(['report', 'reopen', ...base, '--comment', 'Bổ sung'])).code, 0);
      g = json(await cli(['report', 'get', ...base, '--format', 'json']));
      assert.equal(g.state, 'returned');
      assert.equal(g.comment, 'Bổ sung');
      // Unknown things.
      assert.equal((await cli(['report', 'show', '--form', 'nope', '--unit', '31',
        '--period', '2025'])).code, 3);
      assert.equal((await cli(['report', 'show', '--form', 'yearly', '--unit', '31',
        '--period', '2025-Q9'])).code, 2);
      assert.equal((await cli(['report', 'show', '--form', 'yearly', '--unit', '305',
        '--period', '2025', '--structure', 'new'])).code, 3);
      assert.equal((await cli(['report', 'share', '--old', '11344', '--new', '11383',
        '--percent', '140'])).code, 2);
      assert.equal((await cli(['report', 'share', '--old', '11344', '--new', '11383',
        '--percent', '60'])).code, 0);
    });
  });
}
