// A commune officer enters her community learning centre report on a
// phone: the known figure is filled in with its source, a negative count
// is shown as an error next to its field while what she typed stays, she
// corrects it and submits; the page then reads as submitted.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

test('entering a report on a phone', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const page = await phonePage(browser);

  await logIn(page, srv.url, 'canbo.lechan');
  await page.goto(`${srv.url}/units/11383/reports/clc/2026`);
  assert.match(await page.textContent('[data-field="clcs"] .source'), /^Tự động: /);
  await page.fill('#v-staff', '5');
  await page.fill('#v-classes', '10');
  await page.fill('#v-participants', '-40');
  await page.fill('#v-literacy', '2');
  await page.fill('#v-funding', '12.500.000');
  await Promise.all([page.waitForLoadState('load'), page.click('button[value="save"]')]);
  assert.match(await page.textContent('[data-field="participants"] .field-error'), /âm/);
  assert.equal(await page.inputValue('#v-participants'), '-40');
  assert.equal(await page.inputValue('#v-funding'), '12.500.000');
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]}px on ${widths[1]}px`);
  await screenshot(page, 'phone-report-error');
  await page.fill('#v-participants', '240');
  await Promise.all([page.waitForLoadState('load'), page.click('button[value="submit"]')]);
  assert.equal(await page.getAttribute('#report-state', 'data-state'), 'submitted');
  assert.match(await page.textContent('.notice'), /Đã gửi báo cáo/);
  assert.equal(await page.$('#v-participants[name]'), null);
  await screenshot(page, 'phone-report-submitted');
  assert.deepEqual(page.errors, []);
});
