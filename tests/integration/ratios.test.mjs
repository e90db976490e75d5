// Ratio indicators with a share above zero, end to end, on SQLite and
// PostgreSQL: families recognised by a decision recorded through the
// decisions page raise a clan's share of learning families (QĐ 448, B0.1:
// at least 50 % of its households) and a residential group's share (QĐ 448,
// village community C1.1: at least 60 %); the registration pages show the
// computed figure, and each can then be proposed once its other points reach
// the standard. The test works in a ward of its own (tests/integration/
// fixture.mjs), whose households the demo's learning-model data leaves alone.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { AN_BIEN, PW, hh, loggedIn, ownCommune } from './fixture.mjs';
import { backends, runCli, startServer } from './lib.mjs';

const YEAR = 2025;

async function cli(args, db) {
  const r = await runCli(args, { db });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A family of the ward's residential group taken to "proposed" from the
// command line.
async function proposedFamily(db, village, household) {
  return Number((await cli(['models', 'register', '--model', 'family', '--year', String(YEAR),
    '--unit', village, '--household', household, '--to', 'proposed'], db)).trim());
}

// The share as the registration page writes it, for the indicator's row.
function share(html) {
  const m = /<span class="ratio"><strong>(\d+)\/(\d+)<\/strong> ([^<]*?)( = [^<]*)?<span class="(met|unmet)">([^<]*)</.exec(html);
  assert.ok(m, 'the page shows a computed share');
  return { num: Number(m[1]), den: Number(m[2]), text: m[0], met: m[5] === 'met' };
}

for (const backend of backends()) {
  test(`computed shares above zero on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    // Phường An Biên: one residential group of 12 households.
    const own = await ownCommune(srv, AN_BIEN, { households: 12 });
    const off = await loggedIn(srv.url, own.officer, { home: true });
    const mgr = await loggedIn(srv.url, own.manager, { home: true });
    const ids = {};
    let decisions = 0;

    // The commune's manager recognises proposed families by a decision.
    async function decide(regs, title = 'Chủ tịch') {
      decisions += 1;
      const res = await mgr.post(`/units/${own.code}/decisions`, {
        model: 'family', year: String(YEAR), reg: regs.map(String),
        number: `${decisions}/QĐ-UBND`, decided_on: `${YEAR}-12-0${decisions}`,
        signer: 'Trần Văn Chủ', signer_title: title,
        issuing_body: own.body,
      });
      assert.equal(res.status, 303, res.text);
      return res.location.replace(/\?.*$/, '');
    }

    await t.test('a clan of two households, one recognised: 1/2 = 50 %, met', async () => {
      ids.fam1 = await proposedFamily(srv.db, own.village, hh(1));
      ids.fam2 = await proposedFamily(srv.db, own.village, hh(2));
      const household = {};
      for (const id of [ids.fam1, ids.fam2]) {
        household[id] = (await off.json('GET', `/api/v1/registrations/${id}`)).json.subject_id;
      }
      let res = await off.post(`/units/${own.code}/clans`, { name: 'Họ Đào', branch: 'Chi 1' });
      assert.equal(res.status, 303);
      const clanId = res.location.match(/\/clans\/(\d+)/)[1];
      await off.get(`/clans/${clanId}`);
      res = await off.post(`/clans/${clanId}/members`,
        { op: 'add', household: [ids.fam1, ids.fam2].map((id) => String(household[id])) });
      assert.equal(res.status, 303, res.text);
      res = await off.post(`/units/${own.code}/registrations`, { model: 'clan', year: String(YEAR), clan: clanId });
      const m = /<tr class="ok"><td>[^<]*<\/td><td><a href="\/registrations\/(\d+)"/.exec(res.text);
      assert.ok(m, 'the clan is registered');
      ids.clan = m[1];

      // Nothing recognised yet: 0/2, not met.
      let page = await off.get(`/registrations/${ids.clan}`);
      let s = share(page.text);
      assert.deepEqual([s.num, s.den, s.met], [0, 2, false], s.text);

      // One of its two families recognised by a decision.
      await decide([ids.fam1]);
      page = await off.get(`/registrations/${ids.clan}`);
      s = share(page.text);
      assert.deepEqual([s.num, s.den, s.met], [1, 2, true], s.text);
      assert.match(s.text, /^<span class="ratio"><strong>1\/2<\/strong> Số hộ của dòng họ được công nhận Gia đình học tập trong năm = 50 %, yêu cầu ≥ 50 %: <span class="met">Đạt/);
    });

    await t.test('the clan reaches the standard and is proposed', async () => {
      const points = {
        'm_B0.2': '1', 'v_B1.1': '20', 'v_B1.2': '20', 'v_B2.1': '15', 'v_B2.2': '15',
        'v_B3.1': '15', 'v_B3.2': '15',
      };
      let res = await off.post(`/registrations/${ids.clan}/self-assess`, points);
      assert.equal(res.status, 303);
      res = await off.post(`/registrations/${ids.clan}/verify`, points);
      assert.equal(res.status, 303);
      let page = await off.get(`/registrations/${ids.clan}`);
      assert.match(page.text, /data-state="verified"/);
      // The stored assessment keeps the figure it used.
      assert.match(page.text, /<strong>1\/2<\/strong> Số hộ của dòng họ[^<]*= 50 %, yêu cầu ≥ 50 %: <span class="met">Đạt/);
      assert.doesNotMatch(page.text, /<button type="submit" disabled>/);
      res = await off.post(`/registrations/${ids.clan}/propose`, { reason: '' });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${ids.clan}`);
      assert.match(page.text, /data-state="proposed"/);
      const api = await off.json('GET', `/api/v1/registrations/${ids.clan}`);
      const verify = api.json.assessments.find((a) => a.stage === 'verify');
      const b01 = verify.values.find((v) => v.code === 'B0.1');
      assert.deepEqual([b01.num, b01.den, b01.met, b01.source], [1, 2, true, 'clan_families_recognised']);
      assert.equal(verify.achieved, true);
    });

    await t.test('a residential group with 60 % of its households recognised is proposed as a learning community', async () => {
      const commune = await off.get(`/units/${own.code}/registrations?year=${YEAR}`);
      const unitId = /<input type="checkbox" name="unit" value="(\d+)"> Tổ dân phố số 1 </.exec(commune.text);
      assert.ok(unitId, 'the community form offers the group');
      let res = await off.post(`/units/${own.code}/registrations`,
        { model: 'community', year: String(YEAR), unit: unitId[1] });
      const m = /<tr class="ok"><td>[^<]*<\/td><td><a href="\/registrations\/(\d+)"/.exec(res.text);
      assert.ok(m, 'the community is registered');
      ids.community = m[1];

      // One family of the group recognised so far: far below 60 %.
      let page = await off.get(`/registrations/${ids.community}`);
      let s = share(page.text);
      assert.equal(s.num, 1, s.text);
      assert.equal(s.met, false, s.text);
      const den = s.den;
      assert.equal(den, 12, `households of the group: ${den}`);

      // Enough more families recognised to reach 60 %: ceil(0.6 × 12) = 8.
      const need = Math.ceil(den * 0.6);
      assert.equal(need, 8);
      const regs = [ids.fam2];
      for (let n = 3; regs.length < need - 1; n += 1) regs.push(await proposedFamily(srv.db, own.village, hh(n)));
      // One short of the threshold first: still not met.
      await decide(regs.slice(0, -1));
      page = await off.get(`/registrations/${ids.community}`);
      s = share(page.text);
      assert.deepEqual([s.num, s.met], [need - 1, false], s.text);
      // Signed by a deputy: the certificate is still the chairman's, and
      // the deputy signs for the chairman on behalf of the committee.
      const decision = await decide(regs.slice(-1), 'Phó Chủ tịch');
      const pdf = await fetch(new URL(`${decision}/certificates.pdf`, mgr.base),
        { headers: { cookie: mgr.cookieHeader() } });
      assert.equal(pdf.status, 200);
      const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-ratio-'));
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'gcn.pdf');
      fs.writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
      const text = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).stdout;
      for (const want of ['CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN', 'TM. ỦY BAN NHÂN DÂN',
        'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH']) {
        assert.ok(text.includes(want), `the certificate lacks "${want}"`);
      }
      assert.ok(!text.includes('PHÓ CHỦ TỊCH ỦY BAN'), 'the heading names the chairman');
      page = await off.get(`/registrations/${ids.community}`);
      s = share(page.text);
      assert.deepEqual([s.num, s.den, s.met], [need, den, true], s.text);
      assert.match(s.text, /Số hộ của đơn vị được công nhận Gia đình học tập trong năm = \d+(,\d)? %, yêu cầu ≥ 60 %: <span class="met">Đạt/);

      // The other points: 20 (C1.1) + 10 + 30 + 30 = 90 of 100, the
      // citizens' share (C1.2) not met and counted 0.
      const points = {
        'v_C1.3': '10', 'v_C2.1': '10', 'v_C2.2': '10', 'v_C2.3': '10', 'm_C3.1': '1', 'v_C3.2': '15',
      };
      res = await off.post(`/registrations/${ids.community}/self-assess`, points);
      assert.equal(res.status, 303);
      res = await off.post(`/registrations/${ids.community}/verify`, points);
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${ids.community}`);
      assert.match(page.text, /class="score-total">90\/100</);
      res = await off.post(`/registrations/${ids.community}/propose`, { reason: '' });
      assert.equal(res.status, 303);
      page = await off.get(`/registrations/${ids.community}`);
      assert.match(page.text, /data-state="proposed"/);
    });
  });
}
