// At the family's door, on a phone: the village officer registers a
// household from the list, opens its registration, fills the
// self-assessment (points, a "not applicable" box), saves, and reads the
// total; the form stays one column without sideways scrolling.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

test('self-assessment of a learning family on a phone', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const page = await phonePage(browser);

  await logIn(page, srv.url, 'canbo.lechan');

  // The menu leads to the learning models of the officer's ward.
  await Promise.all([page.waitForURL(/\/units\/11383\/registrations$/),
    page.click('header nav a[href="/units/11383/registrations"]')]);
  await page.check('#reg-family input[name="household"] >> nth=0');
  await Promise.all([page.waitForLoadState('load'),
    page.click('#reg-family form.register button[type=submit]')]);
  assert.equal(await page.textContent('#reg-ok'), '1');
  await Promise.all([page.waitForURL(/\/registrations\/\d+$/),
    page.click('#reg-outcome tr.ok a')]);

  // Unverified values carry their mark and its explanation.
  const badge = page.locator('.badge.unverified').first();
  assert.equal(await badge.textContent(), 'chưa xác minh');
  assert.match(await badge.getAttribute('title'), /tỉnh xác nhận/);

  // 9.5 + 10 + (n/a: full marks) + 10 + 7 + 6 + 5 + 4 + 3.5 + 5 + 8 + 9.
  const points = {
    'A1.1': '9.5', 'A1.2': '10', 'A2.1': '10', 'A2.2': '7', 'A2.3': '6',
    'A3.1': '5', 'A3.2': '4', 'A3.3': '3.5', 'A3.4': '5', 'A4.1': '8', 'A4.2': '9',
  };
  for (const [code, v] of Object.entries(points)) {
    await page.fill(`input[name="v_${code}"]`, v);
  }
  await page.check('input[name="na_A1.3"]');
  await page.fill('input[name="n_A3.2"]', 'Có góc học tập, tủ sách nhỏ');
  const box = await page.locator('input[name="na_A1.3"]').boundingBox();
  assert.ok(box.width >= 20 && box.height >= 20, `tick box ${box.width}x${box.height}`);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]}px on ${widths[1]}px`);
  await screenshot(page, 'phone-self-assessment-form');

  await Promise.all([page.waitForURL(/\?saved=1$/),
    page.click('#self-form button[type=submit]')]);
  assert.equal(await page.getAttribute('#reg-state', 'data-state'), 'self_assessed');
  // 27.5 + 23 + 17.5 + 17 with A1.3 not applicable counted as met (10).
  assert.equal(await page.textContent('.score-total'), '87/100');
  assert.match(await page.textContent('.score-result'), /Đạt chuẩn/);
  await screenshot(page, 'phone-self-assessment-saved');
  assert.deepEqual(page.errors, []);
});
