// The browser runs and reaches the server, on a phone and on a desktop.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { desktopPage, launch, phonePage, startServer } from './lib.mjs';

test('browser smoke', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);

  await t.test('a phone opens /healthz', async () => {
    const page = await phonePage(browser);
    const res = await page.goto(`${srv.url}/healthz`);
    assert.equal(res.status(), 200);
    assert.match(await page.textContent('body'), /\bok\b/i);
    assert.equal(await page.evaluate(() => window.screen.width), 360);
    assert.equal(await page.evaluate(() => navigator.maxTouchPoints > 0), true);
    await page.context().close();
  });

  await t.test('a desktop opens /healthz', async () => {
    const page = await desktopPage(browser);
    const res = await page.goto(`${srv.url}/healthz`);
    assert.equal(res.status(), 200);
    assert.equal(await page.evaluate(() => window.innerWidth), 1366);
    await page.context().close();
  });
});
