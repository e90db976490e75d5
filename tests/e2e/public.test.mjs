// A citizen on a phone, without an account, finds her ward and residential
// group, gives who she is and ticks the consent, answers the form of her
// group and keeps the receipt code; the board's officer logs in, reads the
// answers and the score in the queue and accepts; the status page follows.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { desktopPage, launch, phonePage, screenshot, startServer } from './lib.mjs';

async function fitsWidth(page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]}px on ${widths[1]}px`);
}

test('a citizen self-assesses on a phone and the board accepts', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const phone = await phonePage(browser);

  // From the login page, without logging in.
  await phone.goto(`${srv.url}/login`);
  await Promise.all([phone.waitForURL(/\/public\/citizen$/), phone.click('#public-link')]);
  await phone.fill('#q', 'le chan');
  await Promise.all([phone.waitForLoadState('load'), phone.click('form.search button')]);
  await Promise.all([phone.waitForURL(/commune=11383/), phone.click('#communes a[href$="commune=11383"]')]);
  await phone.selectOption('#v-unit', '11383-TDP05');
  await Promise.all([phone.waitForURL(/unit=11383-TDP05/), phone.click('#village button')]);

  // Step 2: who she is; the consent box starts unticked.
  assert.equal(await phone.isChecked('#f-consent'), false);
  assert.match(await phone.textContent('#notice'), /Hội Khuyến học Phường Lê Chân/);
  await phone.fill('#f-name', 'Đỗ Thị Hạnh');
  await phone.fill('#f-birth', '03/09/1979');
  await phone.selectOption('#f-sex', 'F');
  await phone.fill('#f-id', '031179001234');
  await phone.selectOption('#f-group', '1');
  await fitsWidth(phone);
  await screenshot(phone, 'phone-public-identity');
  // Forgetting the consent keeps what was typed.
  await Promise.all([phone.waitForLoadState('load'), phone.click('#about button[type=submit]')]);
  assert.match(await phone.textContent('#about .alert'), /đồng ý/);
  assert.equal(await phone.inputValue('#f-name'), 'Đỗ Thị Hạnh');
  await phone.check('#f-consent');
  await Promise.all([phone.waitForLoadState('load'), phone.click('#about button[type=submit]')]);

  // Step 3: the questions of group 1.
  const scores = { 'N1.1': '9', 'N1.2': '10', 'N1.3': '8', 'N1.4a': '9', 'N2.1': '7',
    'N2.2': '8', 'N2.3': '8', 'N3.1': '10', 'N3.2': '9', 'N3.3': '8' };
  for (const [code, v] of Object.entries(scores)) {
    await phone.fill(`[id="q-${code}"]`, v);
  }
  assert.equal(await phone.$('[id="q-N1.4b"]'), null);
  await fitsWidth(phone);
  await screenshot(phone, 'phone-public-answers');
  await Promise.all([phone.waitForURL(/\/public\/status\?new=1/), phone.click('#answers button[type=submit]')]);
  const code = (await phone.textContent('#code')).trim();
  assert.match(code, /^[A-Z2-9]{10}$/);
  assert.equal(await phone.getAttribute('#state', 'data-state'), 'pending');
  await fitsWidth(phone);
  await screenshot(phone, 'phone-public-receipt');

  // The board's officer, on a desktop.
  const desk = await desktopPage(browser);
  await desk.goto(`${srv.url}/login`);
  await desk.fill('#login', 'canbo.lechan');
  await desk.fill('#password', 'khuyenhoc-demo');
  await Promise.all([desk.waitForURL(`${srv.url}/`), desk.click('form[action="/login"] button')]);
  await Promise.all([desk.waitForURL(/\/public-submissions$/),
    desk.click('header nav a[href$="/public-submissions"]')]);
  const card = `[id="sub-${code}"]`;
  assert.equal(await desk.getAttribute(card, 'data-state'), 'pending');
  assert.equal(await desk.textContent(`${card} .total`), '86');
  await screenshot(desk, 'desktop-public-queue');
  await Promise.all([desk.waitForURL(/done=accepted/), desk.click(`${card} button.accept`)]);
  assert.equal(await desk.getAttribute(card, 'data-state'), 'accepted');

  // The citizen's status link now says accepted.
  await phone.goto(`${srv.url}/public/status?code=${code}`);
  assert.equal(await phone.getAttribute('#state', 'data-state'), 'accepted');
  assert.ok((await phone.textContent('#reg-state')).length > 0);
  await screenshot(phone, 'phone-public-status');
  assert.deepEqual(phone.errors, []);
  assert.deepEqual(desk.errors, []);
});
