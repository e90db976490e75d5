// A person in Chromium: the administrator on a desktop, the commune officer
// on a 360-px phone. Log in, search a unit without diacritics, add an
// organisation, switch the language, and be refused another commune.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { desktopPage, launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

/** No element may stick out of the viewport sideways (tables scroll inside their own box). */
async function assertNoSidewaysScroll(page) {
  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth, win: window.innerWidth,
  }));
  assert.ok(widths.doc <= widths.win, `page is ${widths.doc}px wide on a ${widths.win}px screen`);
}

test('the foundation in a browser', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);

  await t.test('the administrator logs in and finds units without diacritics', async () => {
    const page = await desktopPage(browser);
    await logIn(page, srv.url, 'hkh.haiphong');
    assert.match(await page.textContent('h1'), /Xin chào, Nguyễn Thị Hoa/);
    await page.fill('form.search input[name=q]', 'le chan');
    await Promise.all([page.waitForURL(/\/units\?q=/), page.press('form.search input[name=q]', 'Enter')]);
    const names = await page.$$eval('table a', (as) => as.map((a) => a.textContent));
    assert.ok(names.includes('Quận Lê Chân'), names.join(', '));
    assert.ok(names.includes('Phường Lê Chân'), names.join(', '));
    await Promise.all([page.waitForURL(/\/units\/11383/), page.click('table a:text-is("Phường Lê Chân")')]);
    assert.equal(await page.textContent('h1'), 'Phường Lê Chân');
    assert.equal(await page.textContent('#unit-code'), '11383');
    await screenshot(page, 'desktop-unit-le-chan');
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  await t.test('the commune officer works on a phone and is refused another commune', async () => {
    const page = await phonePage(browser);
    await logIn(page, srv.url, 'canbo.lechan');
    await assertNoSidewaysScroll(page);
    await screenshot(page, 'phone-home-officer');
    // Her commune, with its organisations, fits the screen.
    await page.click('nav a[href="/units"]');
    await page.waitForURL(/\/units\/11383$/);
    assert.equal(await page.textContent('h1'), 'Phường Lê Chân');
    await assertNoSidewaysScroll(page);
    // Add an organisation from the phone.
    await page.fill('#org-name', 'Câu lạc bộ Tin học cộng đồng');
    await page.selectOption('#org-kind', 'clc');
    await Promise.all([page.waitForURL(/\/units\/11383-\d\d$/), page.click('form.org-form button[type=submit]')]);
    assert.equal(await page.textContent('h1'), 'Câu lạc bộ Tin học cộng đồng');
    await screenshot(page, 'phone-new-organisation');
    // Another commune, typed into the address bar: refused.
    const res = await page.goto(`${srv.url}/units/11311`);
    assert.equal(res.status(), 403);
    assert.match(await page.textContent('main'), /Đơn vị này nằm ngoài phạm vi của bạn/);
    await screenshot(page, 'phone-refused-other-commune');
    // And the search does not reveal it.
    await page.goto(`${srv.url}/units?q=hong+bang`);
    assert.equal(await page.$$eval('table a', (as) => as.length), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  await t.test('the language switch turns the interface into English and back', async () => {
    const page = await phonePage(browser);
    await logIn(page, srv.url, 'xem.haiphong');
    await page.click('a.lang');
    await page.waitForURL(`${srv.url}/`);
    assert.match(await page.textContent('h1'), /^Hello, /);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.click('a.lang');
    await page.waitForURL(`${srv.url}/`);
    assert.match(await page.textContent('h1'), /^Xin chào, /);
    await page.context().close();
  });
});
