// A restriction of processing (Decree 13/2023) over HTTP, on SQLite and
// PostgreSQL: after the officer answers a "restrict" request, the person's
// name is gone from what a viewer reads (the registration list and its
// search, the .xlsx list, the decision page and its .xlsx list) and still
// there for the officer in scope, who handles the requests and prints the
// decision already issued. The families are of Phường An Biên, which the
// demo's data leaves alone (tests/integration/fixture.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AN_BIEN, loggedIn, ownCommune } from './fixture.mjs';
import { backends, runCli, startServer, zipEntry } from './lib.mjs';

const MARK = '(hạn chế xử lý theo yêu cầu)';
// The heads of H001 and H002 as ownCommune names them.
const HIDDEN = 'Lã Văn Bách';
const OPEN = 'Mạc Văn Cường';

async function cli(args, db) {
  const r = await runCli(args, { db });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// The text of every shared string of an .xlsx fetched as client c.
async function xlsxText(c, url) {
  const res = await fetch(new URL(url, `${c.base}/`), { headers: { cookie: c.cookieHeader() } });
  assert.equal(res.status, 200, url);
  const buf = Buffer.from(await res.arrayBuffer());
  return [zipEntry(buf, 'xl/sharedStrings.xml'), zipEntry(buf, 'xl/worksheets/sheet1.xml')]
    .filter((s) => s !== null).join('\n');
}

for (const backend of backends()) {
  test(`a restriction hides the name from readers on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const own = await ownCommune(srv, AN_BIEN, { households: 2 });
    const regs = [];
    for (const hh of own.households) {
      regs.push(Number((await cli(['models', 'register', '--model', 'family', '--year', '2025',
        '--unit', own.village, '--household', hh, '--to', 'proposed'], srv.db)).trim()));
    }
    const mgr = await loggedIn(srv.url, own.manager);
    await mgr.get(`/units/${own.code}/decisions?model=family&year=2025`);
    let res = await mgr.post(`/units/${own.code}/decisions`, {
      model: 'family', year: '2025', reg: regs, number: '31/QĐ-UBND',
      decided_on: '2025-12-20', signer: 'Trần Văn Chủ', signer_title: 'Chủ tịch',
      issuing_body: own.body,
    });
    assert.equal(res.status, 303, res.text.slice(0, 500));
    const decision = res.location.replace(/\?.*$/, '');

    const off = await loggedIn(srv.url, own.officer, { home: true });
    const viewer = await loggedIn(srv.url, 'xem.haiphong');
    const regList = `/units/${own.code}/registrations?year=2025`;

    await t.test('before the restriction the viewer reads the name', async () => {
      assert.match((await viewer.get(regList)).text, new RegExp(HIDDEN));
      assert.match((await viewer.get(decision)).text, new RegExp(HIDDEN));
    });

    await t.test('the officer records and answers the request', async () => {
      const people = await off.get(`/units/${own.village}/people?q=${encodeURIComponent('la van bach')}`);
      const m = people.text.match(/href="\/people\/(\d+)\/privacy">Lã Văn Bách</);
      assert.ok(m, 'the head of H001 is listed');
      const id = m[1];
      await off.get(`/people/${id}/privacy`);
      res = await off.post(`/people/${id}/data-requests`,
        { kind: 'restrict', detail: 'Không muốn xuất hiện trong danh sách', received: '' });
      assert.equal(res.status, 303, res.text.slice(0, 500));
      const list = await off.get(`/units/${own.code}/data-requests`);
      const f = [...list.text.matchAll(/<h2>[^<]*: ([^<]*)<\/h2>(?:<p>[^<]*<\/p>)?<section class="card" id="answer-(\d+)"/g)]
        .find((x) => x[1] === HIDDEN);
      assert.ok(f, 'an answer form for the request');
      res = await off.post(`/data-requests/${f[2]}`,
        { back: own.code, answer: 'done', outcome: 'Đã hạn chế xử lý' });
      assert.equal(res.status, 303, res.text.slice(0, 500));
    });

    await t.test('the viewer no longer reads the name anywhere', async () => {
      let page = await viewer.get(regList);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, new RegExp(HIDDEN));
      assert.ok(page.text.includes(MARK), 'the registration list shows the mark');
      assert.match(page.text, new RegExp(OPEN), 'the neighbour keeps their name');
      page = await viewer.get(`${regList}&q=${encodeURIComponent('lã văn bách')}`);
      assert.doesNotMatch(page.text, new RegExp(`${HIDDEN}|${MARK.replace(/[()]/g, '\\$&')}`),
        'a search by the hidden name finds nothing');
      page = await viewer.get(`/registrations/${regs[0]}`);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, new RegExp(HIDDEN));
      page = await viewer.get(decision);
      assert.equal(page.status, 200);
      assert.doesNotMatch(page.text, new RegExp(HIDDEN));
      assert.ok(page.text.includes(MARK), 'the decision page shows the mark');
      let x = await xlsxText(viewer, `/units/${own.code}/registrations.xlsx?model=family&year=2025`);
      assert.doesNotMatch(x, new RegExp(HIDDEN));
      assert.ok(x.includes(MARK));
      assert.match(x, new RegExp(OPEN));
      x = await xlsxText(viewer, `${decision}/list.xlsx`);
      assert.doesNotMatch(x, new RegExp(HIDDEN));
      const api = await viewer.json('GET', `/api/v1/registrations?unit=${own.code}&year=2025`);
      assert.equal(api.status, 200);
      assert.doesNotMatch(JSON.stringify(api.json), new RegExp(HIDDEN));
    });

    await t.test('the officer in scope still reads it, pages and files alike', async () => {
      assert.match((await off.get(regList)).text, new RegExp(HIDDEN));
      assert.match((await off.get(decision)).text, new RegExp(HIDDEN));
      assert.match(await xlsxText(off, `/units/${own.code}/registrations.xlsx?model=family&year=2025`),
        new RegExp(HIDDEN));
      assert.match(await xlsxText(off, `${decision}/list.xlsx`), new RegExp(HIDDEN));
    });
  });
}
