// The city association's administrator defines a report form and sets a
// target in a desktop browser: the file chosen in the upload form is
// stored and its page opens; a target typed in the target form shows in
// the indicator's card at once. A viewer then reads the form on a phone:
// nothing wider than the screen but the tables, which scroll.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { desktopPage, launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

const FORM = {
  code: 't-e2e',
  title_vi: 'Báo cáo nhanh về hội viên',
  title_en: 'Quick members report',
  period_kind: 'quarter',
  deadline: '01-10',
  unit_kinds: ['commune'],
  sections: [{
    code: 'I', title_vi: 'Hội viên', title_en: 'Members', fields: [
      { code: 'members', kind: 'int', title_vi: 'Số hội viên', title_en: 'Members',
        source: 'members', required: true },
      { code: 'pop', kind: 'int', breakdown: 'sex', title_vi: 'Dân số', title_en: 'Population',
        source: 'population' },
    ],
  }],
  rules: [{ left: 'members', op: '<=', right: 'pop.f' }],
};

test('forms and targets in the browser', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-fa-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 't-e2e.json');
  fs.writeFileSync(file, JSON.stringify(FORM, null, 2));

  const admin = await desktopPage(browser);
  await logIn(admin, srv.url, 'hkh.haiphong');
  await admin.goto(`${srv.url}/reports`);
  await Promise.all([admin.waitForLoadState('load'), admin.click('#forms-admin')]);
  await admin.setInputFiles('#fu-file', file);
  await Promise.all([admin.waitForURL(/\/reports\/forms\/t-e2e\?stored=new$/),
    admin.click('#form-upload button[type=submit]')]);
  assert.match(await admin.textContent('#stored'), /Đã thêm biểu mẫu/);
  assert.match(await admin.textContent('[data-field="members"] .source'), /hội viên/);
  assert.match(await admin.textContent('#rules'), /Số hội viên ≤ Dân số/);
  await screenshot(admin, 'desktop-form-uploaded');

  await admin.goto(`${srv.url}/reports/indicators`);
  await admin.selectOption('#t-indicator', 'member-ratio');
  await admin.fill('#t-unit', '31');
  await admin.fill('#t-period', '2028');
  await admin.selectOption('#t-op', '>=');
  await admin.fill('#t-value', '35,5');
  await admin.fill('#t-source', 'Nghị quyết Đại hội Hội Khuyến học thành phố');
  await Promise.all([admin.waitForLoadState('load'), admin.click('#target-set button[type=submit]')]);
  assert.match(await admin.textContent('#done'), /Đã lưu chỉ tiêu/);
  assert.match(await admin.textContent('#ind-member-ratio tr[data-period="2028"] .target'), /≥ 35,5 %/);
  await screenshot(admin, 'desktop-target-set');
  assert.deepEqual(admin.errors, []);

  const phone = await phonePage(browser);
  await logIn(phone, srv.url, 'xem.haiphong');
  await phone.goto(`${srv.url}/reports/forms/t-e2e`);
  assert.match(await phone.textContent('h1'), /Báo cáo nhanh về hội viên/);
  assert.equal(await phone.$('#form-upload'), null);
  const widths = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]}px on ${widths[1]}px`);
  await screenshot(phone, 'phone-form-read');
  assert.deepEqual(phone.errors, []);
});
