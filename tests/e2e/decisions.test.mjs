// The commune's manager issues a recognition decision on a desktop: from
// the menu to the proposals of the year, leaves one family out, records the
// decision, and downloads the decision as PDF and the list as .xlsx. Then
// the criteria set's page with its unverified marks. The decision is issued
// in a ward of the test's own (tests/integration/fixture.mjs), which the
// demo's learning-model data leaves alone: the proposals of the year are
// exactly the three made here.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import { AN_BIEN, ownCommune } from '../integration/fixture.mjs';
import { desktopPage, launch, logIn, runCli, screenshot, startServer } from './lib.mjs';

test('issuing a recognition decision on a desktop', async (t) => {
  const srv = await startServer({ t });
  const own = await ownCommune(srv, AN_BIEN, { households: 3 });
  const ids = [];
  for (const hh of own.households) {
    const r = await runCli(['models', 'register', '--model', 'family', '--year', '2025',
      '--unit', own.village, '--household', hh, '--to', 'proposed'], { db: srv.db });
    assert.equal(r.code, 0, r.stderr);
    ids.push(r.stdout.trim());
  }
  const browser = await launch(t);
  const page = await desktopPage(browser);

  await logIn(page, srv.url, own.manager);
  await Promise.all([page.waitForURL(/\/units\/11407\/decisions$/),
    page.click('header nav a[href="/units/11407/decisions"]')]);
  assert.match(await page.textContent('h1'), /Quyết định công nhận/);
  await page.selectOption('#d-model', 'family');
  await page.fill('#d-year', '2025');
  await Promise.all([page.waitForLoadState('load'), page.click('#show-proposals')]);
  assert.equal(await page.$$eval('#proposals input[name=reg]:checked', (l) => l.length), 3);
  await page.uncheck(`#reg-${ids[2]}`);
  await page.fill('#d-number', '15/QĐ-UBND');
  await page.fill('#d-date', '2025-12-22');
  await page.fill('#d-signer', 'Trần Văn Chủ');
  assert.equal(await page.inputValue('#d-body'), 'Ủy ban nhân dân phường An Biên');
  await screenshot(page, 'desktop-decision-form');
  await Promise.all([page.waitForURL(/\/decisions\/\d+\?created=1$/),
    page.click('#new-decision button[type=submit]')]);
  assert.match(await page.textContent('h1'), /15\/QĐ-UBND/);
  const numbers = await page.$$eval('#recognised tbody td.code', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(numbers, ['GĐHT-2025-000001', 'GĐHT-2025-000002']);
  await screenshot(page, 'desktop-decision');

  const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('#decision-pdf')]);
  assert.equal(pdf.suggestedFilename(), 'quyet-dinh-15-2025.pdf');
  const head = Buffer.alloc(5);
  const fd = fs.openSync(await pdf.path(), 'r');
  fs.readSync(fd, head, 0, 5, 0);
  fs.closeSync(fd);
  assert.equal(head.toString(), '%PDF-');
  const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('#list-xlsx')]);
  assert.equal(xlsx.suggestedFilename(), 'danh-sach-15-2025.xlsx');

  await Promise.all([page.waitForURL(/\/criteria$/), page.click('header nav a[href="/criteria"]')]);
  await Promise.all([page.waitForURL(/\/criteria\/qd448-gdht\/1$/),
    page.click('#set-qd448-gdht-1 a')]);
  const badge = page.locator('.badge.unverified').first();
  assert.equal(await badge.textContent(), 'chưa xác minh');
  assert.equal(await badge.getAttribute('title'), 'Giá trị này đang chờ tỉnh xác nhận.');
  await screenshot(page, 'desktop-criteria-set');
  assert.deepEqual(page.errors, []);
});
