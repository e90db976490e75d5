// Helpers for the browser tests: Debian's Chromium driven by playwright-core,
// pages on a phone and on a desktop, and the server from the integration lib.
//
//   import { test } from 'node:test';
//   import { launch, phonePage, startServer } from './lib.mjs';
//   test('home on a phone', async (t) => {
//     const srv = await startServer({ t });
//     const browser = await launch(t);
//     const page = await phonePage(browser, `${srv.url}/`);
//     ...
//   });
//
// CHROMIUM overrides the browser's path (default /usr/bin/chromium, from
// Debian's chromium package).

import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { ROOT } from '../integration/lib.mjs';

export {
  ROOT, backends, binPath, client, freshDatabase, prepareTemplate, psql, runCli, startServer,
} from '../integration/lib.mjs';

export const PHONE = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export const DESKTOP = {
  viewport: { width: 1366, height: 900 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};

/** Start headless Chromium; with `t` (a node:test context) it closes after the test. */
export async function launch(t) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  if (t) t.after(() => browser.close());
  return browser;
}

async function openPage(browser, device, url, options) {
  const context = await browser.newContext({ ...device, locale: 'vi-VN', ...options });
  const page = await context.newPage();
  // Uncaught errors of the page's scripts, for tests to assert on.
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e));
  if (url) await page.goto(url);
  return page;
}

/** A page in a new context with a phone's screen (360x740 at 2x, touch). */
export function phonePage(browser, url, options = {}) {
  return openPage(browser, PHONE, url, options);
}

/** A page in a new context with a desktop screen (1366x900). */
export function desktopPage(browser, url, options = {}) {
  return openPage(browser, DESKTOP, url, options);
}

/**
 * Log in through the login page as `login` (password of the demo data by
 * default) and wait for the home page it leads to.
 */
export async function logIn(page, url, login, password = 'khuyenhoc-demo') {
  await page.goto(`${url}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${url}/`), page.click('form[action="/login"] button[type=submit]')]);
}

/** Save a full-page screenshot as build/screenshots/NAME.png; returns its path. */
export async function screenshot(page, name) {
  const dir = path.join(ROOT, 'build', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
