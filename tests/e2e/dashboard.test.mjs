// The city's administrator reads the indicators dashboard on a desktop:
// from the menu to the dashboard of Hải Phòng for 2025, each indicator with
// a bar chart by unit below and its table, then switches to the structure
// before 1 July 2025 and sees the chart and the table list the old
// districts instead of the new communes. Only the shape of the page is
// checked here (the figures are checked by the integration test).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { desktopPage, launch, logIn, screenshot, startServer } from './lib.mjs';

// The units of the first indicator's table and the bars of its chart.
async function shape(page) {
  return page.$eval('section.indicator', (sec) => ({
    code: sec.dataset.indicator,
    units: [...sec.querySelectorAll('table.fig.units tbody tr:not(.total)')]
      .map((tr) => tr.dataset.unit),
    bars: sec.querySelectorAll('svg[id^="chart-units-"] g.item').length,
    svgTitle: sec.querySelector('svg[id^="chart-units-"] > title').textContent,
    years: [...sec.querySelectorAll('table.fig.years tbody tr')].map((tr) => tr.dataset.period),
  }));
}

test('reading the indicators dashboard on a desktop', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const page = await desktopPage(browser);

  await logIn(page, srv.url, 'hkh.haiphong');
  await Promise.all([page.waitForURL(/\/units\/31\/dashboard$/),
    page.click('header nav a[href="/units/31/dashboard"]')]);
  assert.match(await page.textContent('h1'), /Chỉ tiêu/);
  await page.fill('#d-period', '2025');
  await page.selectOption('#d-structure', 'new');
  await Promise.all([page.waitForLoadState('load'), page.click('#dash-form button[type=submit]')]);
  const now = await shape(page);
  assert.ok(now.units.length > 20, 'the new communes of Hải Phòng');
  assert.ok(now.units.includes('11383'), 'Phường Lê Chân is a unit below');
  assert.equal(now.bars, now.units.length, 'one bar per row of the table');
  assert.ok(now.years.includes('2023') && now.years.includes('2025'));
  assert.equal(await page.getAttribute('#dash-structure', 'data-structure'), 'new');
  // Every figure of the chart is also readable as text.
  const first = await page.$eval('section.indicator svg g.item title', (el) => el.textContent);
  assert.match(first, /: /);
  await screenshot(page, 'desktop-dashboard-new');

  await page.selectOption('#d-structure', 'old');
  await Promise.all([page.waitForLoadState('load'), page.click('#dash-form button[type=submit]')]);
  const before = await shape(page);
  assert.equal(await page.getAttribute('#dash-structure', 'data-structure'), 'old');
  assert.equal(before.code, now.code);
  assert.ok(before.units.includes('305'), 'Quận Lê Chân is a unit below');
  assert.ok(!before.units.includes('11383'));
  assert.ok(before.units.length < now.units.length, 'fewer districts than new communes');
  assert.equal(before.bars, before.units.length);
  await screenshot(page, 'desktop-dashboard-old');

  // Down to a district, kept in the old structure.
  await Promise.all([page.waitForURL(/\/units\/305\/dashboard\?period=2025&structure=old$/),
    page.click('section.indicator table.fig.units a[href*="/units/305/dashboard"]')]);
  const district = await shape(page);
  assert.ok(district.units.includes('11383'), 'the old ward Trần Nguyên Hãn');

  // The administrator's shares page explains the rule and lists the pairs.
  await page.goto(`${srv.url}/units/31/shares`);
  assert.match(await page.textContent('#share-rule'), /chia đều/);
  assert.ok(await page.$('#shares tr[data-old="11344"][data-new="11383"]'));
  await screenshot(page, 'desktop-shares');
  assert.deepEqual(page.errors, []);
});
