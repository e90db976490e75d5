// The city's administrator reads the indicators dashboard on a desktop:
// from the menu to the dashboard of Hải Phòng for 2025, the overview of
// every indicator, then one indicator in detail with a bar chart by unit
// below (every unit, by value) beside a table of its units 30 a page, paged
// through to Phường Lê Chân; another indicator from the overview; then the
// structure before 1 July 2025, where the chart and the table list the old
// districts instead of the new communes. Only the shape of the page is
// checked here (the figures are checked by the integration test).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { desktopPage, launch, logIn, phonePage, screenshot, startServer } from './lib.mjs';

// The indicator shown: its code, the units of its table's page, the bars
// of its chart, the pager's figures, the years of its series.
async function shape(page) {
  return page.$eval('section.indicator', (sec) => {
    const pager = sec.querySelector('p.pager');
    return {
      code: sec.dataset.indicator,
      units: [...sec.querySelectorAll('table.fig.units tbody tr:not(.total)')]
        .map((tr) => tr.dataset.unit),
      total: sec.querySelectorAll('table.fig.units tbody tr.total').length,
      bars: sec.querySelectorAll('svg[id^="chart-units-"] g.item').length,
      svgTitle: sec.querySelector('svg[id^="chart-units-"] > title').textContent,
      years: [...sec.querySelectorAll('table.fig.years tbody tr')].map((tr) => tr.dataset.period),
      pager: pager ? { page: +pager.dataset.page, pages: +pager.dataset.pages,
        units: +pager.dataset.units } : null,
    };
  });
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
  // The overview lists every indicator; the first is shown in detail.
  const overview = await page.$$eval('#dash-overview table.fig.overview tbody tr',
    (trs) => trs.map((tr) => ({ code: tr.dataset.indicator, current: tr.classList.contains('current') })));
  assert.ok(overview.length >= 2, 'several indicators');
  assert.equal((await page.$$('section.indicator')).length, 1, 'one indicator in detail');
  const now = await shape(page);
  assert.equal(now.code, overview[0].code);
  assert.ok(overview[0].current);
  assert.ok(now.pager, 'the communes of Hải Phòng are paged');
  assert.ok(now.pager.units > 60, 'the new communes of Hải Phòng');
  assert.deepEqual([now.pager.page, now.units.length, now.total], [1, 30, 1]);
  assert.equal(now.bars, now.pager.units, 'one bar per unit below, on every page');
  assert.ok(now.years.includes('2023') && now.years.includes('2025'));
  assert.equal(await page.getAttribute('#dash-structure', 'data-structure'), 'new');
  // Every figure of the chart is also readable as text; the bars go from
  // the highest value down, units without a value last.
  const bars = await page.$$eval('section.indicator svg[id^="chart-units-"] g.item title',
    (els) => els.map((el) => el.textContent));
  assert.match(bars[0], /: /);
  const nums = bars.map((x) => x.split(': ').pop()).map((v) => (v === '—' ? null
    : parseFloat(v.replace(/\./g, '').replace(',', '.'))));
  const firstMissing = nums.indexOf(null);
  const valued = firstMissing < 0 ? nums : nums.slice(0, firstMissing);
  assert.ok(valued.every((v, i) => i === 0 || valued[i - 1] >= v), 'highest first');
  assert.ok(firstMissing < 0 || nums.slice(firstMissing).every((v) => v === null), 'no value last');
  await screenshot(page, 'desktop-dashboard-new');

  // Through the pager to Phường Lê Chân, the total row on every page.
  let at = now;
  while (!at.units.includes('11383')) {
    assert.ok(at.pager.page < at.pager.pages, 'Phường Lê Chân is on a page');
    await Promise.all([page.waitForURL(new RegExp(`page=${at.pager.page + 1}#units-`)),
      page.click('section.indicator p.pager a[rel="next"] >> nth=0')]);
    at = await shape(page);
    assert.equal(at.total, 1);
    assert.equal(at.bars, now.bars);
  }
  assert.ok(at.pager.page > 1, 'Phường Lê Chân is past the first page');

  // Another indicator from the overview, the period and structure kept.
  await Promise.all([page.waitForURL(new RegExp(`indicator=${overview[1].code}#ind-`)),
    page.click(`#dash-overview tr[data-indicator="${overview[1].code}"] th a`)]);
  const second = await shape(page);
  assert.equal(second.code, overview[1].code);
  assert.equal(second.pager.page, 1);
  assert.match(page.url(), /period=2025&structure=new&/);
  assert.equal(await page.getAttribute(`#dash-overview tr[data-indicator="${overview[1].code}"]`, 'class'), 'current');

  await page.selectOption('#d-structure', 'old');
  await Promise.all([page.waitForLoadState('load'), page.click('#dash-form button[type=submit]')]);
  const before = await shape(page);
  assert.equal(await page.getAttribute('#dash-structure', 'data-structure'), 'old');
  assert.equal(before.code, second.code, 'the indicator read is kept');
  assert.ok(before.units.includes('305'), 'Quận Lê Chân is a unit below');
  assert.ok(!before.units.includes('11383'));
  assert.ok(before.units.length < now.pager.units, 'fewer districts than new communes');
  assert.equal(before.pager, null, 'the districts fit on one page');
  assert.equal(before.bars, before.units.length);
  await screenshot(page, 'desktop-dashboard-old');

  // Down to a district, kept in the old structure and on the indicator.
  await Promise.all([page.waitForURL(new RegExp(`/units/305/dashboard\\?period=2025&structure=old&indicator=${before.code}$`)),
    page.click('section.indicator table.fig.units a[href*="/units/305/dashboard"]')]);
  const district = await shape(page);
  assert.equal(district.code, before.code);
  assert.ok(district.units.includes('11383'), 'the old ward Trần Nguyên Hãn');

  // The administrator's shares page explains the rule and lists the pairs.
  await page.goto(`${srv.url}/units/31/shares`);
  assert.match(await page.textContent('#share-rule'), /chia đều/);
  assert.ok(await page.$('#shares tr[data-old="11344"][data-new="11383"]'));
  await screenshot(page, 'desktop-shares');
  assert.deepEqual(page.errors, []);
});

// The commune officer of Phường Lê Chân reads her own dashboard on a phone:
// the page does not scroll sideways (wide tables scroll inside their box),
// each chart fits the screen, and the overview names every indicator with
// its value and target.
test('reading the indicators dashboard on a phone', async (t) => {
  const srv = await startServer({ t });
  const browser = await launch(t);
  const page = await phonePage(browser);

  await logIn(page, srv.url, 'canbo.lechan');
  await page.goto(`${srv.url}/units/11383/dashboard?period=2025`);
  assert.match(await page.textContent('h1'), /Chỉ tiêu/);
  const rows = await page.$$eval('#dash-overview table.fig.overview tbody tr',
    (trs) => trs.map((tr) => ({ code: tr.dataset.indicator, cells: tr.querySelectorAll('td').length })));
  assert.ok(rows.length >= 2, 'every indicator in the overview');
  assert.ok(rows.every((r) => r.cells >= 4), 'value, target, result and figures in each row');
  // Each figure of the overview is shown under the name of its column and
  // inside the screen, the value and the target of the first indicator
  // included.
  const first = await page.$eval('#dash-overview table.fig.overview tbody tr', (tr) =>
    [...tr.querySelectorAll('td')].map((td) => ({
      label: td.dataset.label, right: td.getBoundingClientRect().right,
    })));
  assert.deepEqual(first.slice(0, 3).map((c) => c.label), ['Giá trị', 'Mục tiêu', 'Kết quả']);
  const win = await page.evaluate(() => window.innerWidth);
  assert.ok(first.every((c) => c.right <= win), `figures inside the screen: ${first.map((c) => c.right)}`);
  // So are the figures of the indicator's tables by unit and by year, each
  // under the name of its column.
  const detail = await page.$$eval('section.indicator table.fig tbody td', (tds) =>
    tds.map((td) => ({ label: td.dataset.label, right: td.getBoundingClientRect().right })));
  assert.ok(detail.length >= 5);
  assert.ok(detail.every((c) => c.right <= win), `table figures inside the screen: ${detail.map((c) => c.right)}`);
  assert.ok(detail.filter((c) => c.label === 'Mẫu số').length >= 2, 'labelled in both tables');
  assert.equal((await page.$$('section.indicator')).length, 1);

  const widths = await page.evaluate(() => ({
    doc: document.documentElement.scrollWidth,
    win: window.innerWidth,
    charts: [...document.querySelectorAll('section.indicator svg')]
      .map((s) => s.getBoundingClientRect().width),
  }));
  assert.ok(widths.doc <= widths.win, `no sideways scroll (${widths.doc} > ${widths.win})`);
  assert.ok(widths.charts.length >= 1, 'the indicator has its charts');
  assert.ok(widths.charts.every((w) => w > 100 && w <= widths.win), `charts fit: ${widths.charts}`);
  await screenshot(page, 'phone-dashboard-ward');
  assert.deepEqual(page.errors, []);
});
