// The village officer imports her list from a phone: choose the file, read
// the preview (how columns were read, which rows are refused and why), keep
// the good rows, and find the new residents without diacritics.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

const LIST = [
  'STT,Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Quan hệ với chủ hộ,Mã hộ,Thôn/Tổ dân phố',
  '1,Lương Văn Khải,12/08/1969,Nam,031069004321,Chủ hộ,L07,Tổ dân phố số 5',
  '2,Lương Thị Hằng,1972,Nữ,,Vợ,L07,Tổ dân phố số 5',
  '3,Lương Văn Tú,30/02/2001,Nam,,Con,L07,Tổ dân phố số 5',
].join('\n') + '\n';

test('importing a list on a phone', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const page = await phonePage(browser);

  await logIn(page, srv.url, 'canbo.lechan');
  await page.goto(`${srv.url}/units/11383`);
  await Promise.all([page.waitForURL(/\/import$/), page.click('nav.tabs a[href$="/import"]')]);
  await page.setInputFiles('#i-file', {
    name: 'danh-sach.csv', mimeType: 'text/csv', buffer: Buffer.from(LIST),
  });
  await Promise.all([page.waitForLoadState('load'), page.click('form[enctype] button[type=submit]')]);
  assert.equal(await page.textContent('#count-refused'), '1');
  assert.equal(await page.textContent('#count-imported'), '2');
  const problems = await page.$$eval('#problems tbody tr', (rows) => rows.map((r) => r.textContent));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^4Ngày sinh/);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]}px on ${widths[1]}px`);
  await screenshot(page, 'phone-import-preview');
  await Promise.all([page.waitForLoadState('load'), page.click('#import-good')]);
  assert.match(await page.textContent('h1'), /Đã nhập danh sách/);
  await page.goto(`${srv.url}/units/11383/people?q=luong+van+khai`);
  const names = await page.$$eval('#people tbody td:first-child', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(names, ['Lương Văn Khải']);
  assert.deepEqual(page.errors, []);
});
