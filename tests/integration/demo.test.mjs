// `khuyenhoc demo` on SQLite and on PostgreSQL: the learning-models data of
// 2023 to 2026 is there (recognised in the past years, open in 2026), a
// second run adds nothing, and a run on an empty database makes exactly the
// same data (the scores come from a fixed seed).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { backends, freshDatabase, runCli } from './lib.mjs';

const EN = { KHUYENHOC_LANG: 'en' };

// Rows of a query as arrays of text, straight from the database.
function query(url, sql) {
  let r;
  if (url.startsWith('sqlite:')) {
    r = spawnSync('sqlite3', ['-batch', '-separator', '|', url.slice(7), sql],
      { encoding: 'utf8' });
  } else {
    r = spawnSync(process.env.KH_PSQL || 'psql',
      ['-X', '-q', '-At', '-F', '|', '-d', url, '-c', sql], { encoding: 'utf8' });
  }
  assert.equal(r.status, 0, `${sql}\n${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

// Everything the demo's models part makes, counted.
function counts(url) {
  const c = {};
  for (const [year, model, state, n] of query(url, 'SELECT year, model, state,' +
      ' count(*) FROM model_registrations GROUP BY year, model, state')) {
    c[`${year} ${model} ${state}`] = Number(n);
  }
  for (const table of ['clans', 'clan_households', 'model_decisions',
    'model_assessments', 'model_transitions', 'people', 'households']) {
    c[table] = Number(query(url, `SELECT count(*) FROM ${table}`)[0][0]);
  }
  // Scores and certificates, not only how many: the same seed gives the
  // same points and the same numbers.
  c.points = query(url, 'SELECT COALESCE(SUM(total_x100), 0) FROM model_assessments')[0][0];
  c.certificates = query(url, "SELECT count(DISTINCT certificate_no) FROM" +
    ' model_registrations WHERE certificate_no IS NOT NULL')[0][0];
  return c;
}

function addedLine(stdout) {
  const m = stdout.match(/clans added: (\d+), learning-model registrations added: (\d+), recognition decisions added: (\d+)/);
  assert.ok(m, stdout);
  return m.slice(1).map(Number);
}

for (const backend of backends()) {
  test(`demo data on ${backend.name}`, async (t) => {
    const db = await freshDatabase(backend);
    t.after(() => db.drop());
    const before = counts(db.url);

    await t.test('recognised registrations in 2023-2025 for every model', () => {
      for (const year of [2023, 2024, 2025]) {
        for (const model of ['family', 'citizen', 'clan', 'unit']) {
          assert.ok(before[`${year} ${model} recognised`] > 0, `${year} ${model}`);
        }
        assert.ok(before[`${year} family recognised`] >= 60, `${year} families`);
        for (const state of ['registered', 'self_assessed', 'proposed']) {
          assert.equal(before[`${year} family ${state}`], undefined, `${year} ${state}`);
        }
      }
      assert.ok([2023, 2024, 2025].some((y) => before[`${y} community recognised`] > 0));
      assert.ok(before.clans >= 4 && before.clan_households > 0);
    });

    await t.test('2026 is open: work at every step, nothing recognised', () => {
      for (const state of ['registered', 'self_assessed', 'verified', 'proposed']) {
        assert.ok(before[`2026 family ${state}`] > 0, `family ${state}`);
        assert.ok(before[`2026 citizen ${state}`] > 0, `citizen ${state}`);
      }
      assert.equal(Object.keys(before).filter((k) => /^2026 .* recognised$/.test(k)).length, 0);
    });

    await t.test('citizens of all four subject groups, a few through a school', () => {
      const groups = query(db.url, "SELECT DISTINCT subject_group FROM model_registrations" +
        " WHERE model = 'citizen' ORDER BY 1").map((r) => r[0]);
      assert.deepEqual(groups, ['1', '2', '3', '4']);
      const viaSchool = query(db.url, "SELECT count(*) FROM model_registrations r" +
        " JOIN units u ON u.id = r.unit_id WHERE r.model = 'citizen' AND u.kind = 'school'");
      assert.ok(Number(viaSchool[0][0]) > 0);
    });

    await t.test('decisions of the wards in December, with adjusted scores explained', () => {
      const rows = query(db.url, 'SELECT year, decided_on, signer_title, issuing_body,' +
        ' number FROM model_decisions ORDER BY year');
      assert.ok(rows.length >= 15);
      for (const [year, on, title, body, number] of rows) {
        assert.match(on, new RegExp(`^${year}-12-\\d\\d$`));
        assert.equal(title, 'Chủ tịch UBND');
        assert.match(body, /^Ủy ban nhân dân phường (Lê Chân|Hồng Bàng)$/);
        assert.match(number, /^\d+\/QĐ-UBND$/);
      }
      const changed = query(db.url, "SELECT count(*) FROM model_assessment_values" +
        " WHERE changed = 1 AND reason <> ''");
      assert.ok(Number(changed[0][0]) >= 6, 'a couple of adjusted scores a year');
    });

    await t.test('a second run adds nothing', async () => {
      const r = await runCli(['demo'], { db: db.url, env: EN });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(addedLine(r.stdout), [0, 0, 0]);
      assert.deepEqual(counts(db.url), before);
    });

    await t.test('the roll-up counts agree with a recount, and a damaged count is repaired', async () => {
      let r = await runCli(['models', 'recount', '--check'], { db: db.url, env: EN });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^0 counts differ/);
      // An edit made in SQL behind the application's back.
      query(db.url, 'UPDATE model_counts SET recognised = recognised + 7' +
        " WHERE model = 'family' AND year = 2024 AND unit_id = (SELECT" +
        " min(unit_id) FROM model_counts WHERE model = 'family' AND year = 2024)");
      r = await runCli(['models', 'recount', '--check'], { db: db.url, env: EN });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /^[1-9][0-9]* counts differ/);
      r = await runCli(['models', 'recount'], { db: db.url, env: EN });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^[1-9][0-9]* counts differed from a recount and were repaired/);
      r = await runCli(['models', 'recount', '--check'], { db: db.url, env: EN });
      assert.equal(r.code, 0, r.stdout + r.stderr);
    });

    await t.test('a run on an empty database makes the same data', async () => {
      const empty = await freshDatabase(backend, { empty: true });
      try {
        let r = await runCli(['units', 'import'], { db: empty.url, env: EN });
        assert.equal(r.code, 0, r.stderr);
        r = await runCli(['demo'], { db: empty.url, env: EN });
        assert.equal(r.code, 0, r.stderr);
        const [clans, regs, decisions] = addedLine(r.stdout);
        assert.equal(clans, before.clans);
        assert.equal(decisions, before.model_decisions);
        assert.ok(regs > 0);
        assert.deepEqual(counts(empty.url), before);
      } finally {
        await empty.drop();
      }
    });
  });
}
