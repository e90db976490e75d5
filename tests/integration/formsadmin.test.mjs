// Report forms and indicator targets administered in the browser, on SQLite
// and PostgreSQL, over the demo data set (its four shipped forms and six
// indicators): a viewer reads the list of forms, one form with its fields,
// sources and checks, and its JSON definition, and is refused the upload
// and the targets; the administrator uploads a new form and sees it, sends
// the same file again (nothing changes), sends broken files (the parser's
// reason with the line or the field, nothing stored), is refused a changed
// form that already has reports, sets a target for the city on a period
// the demo data does not fill and sees it at once on the dashboard and in
// the indicators API, has bad targets refused with what was typed kept,
// and removes the target.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loggedIn } from './fixture.mjs';
import { backends, startServer } from './lib.mjs';

const FORM = {
  code: 't-admin',
  title_vi: 'Báo cáo kiểm thử quản trị biểu mẫu',
  title_en: 'Forms administration test report',
  legal_basis: 'Kiểm thử',
  period_kind: 'year',
  deadline: '12-20',
  unit_kinds: ['commune'],
  verified: false,
  sections: [
    {
      code: 'I', title_vi: 'Số liệu', title_en: 'Figures', fields: [
        { code: 'pop', kind: 'int', title_vi: 'Dân số', title_en: 'Population',
          source: 'population', required: true },
        { code: 'reg', kind: 'int', breakdown: 'model', title_vi: 'Số đăng ký',
          title_en: 'Registered', source: 'registrations' },
        { code: 'rec', kind: 'int', breakdown: 'model', title_vi: 'Số được công nhận',
          title_en: 'Recognised', source: 'recognitions' },
        { code: 'rate', kind: 'pct', breakdown: 'model', num: 'rec.*', den: 'reg.*',
          title_vi: 'Tỷ lệ công nhận', title_en: 'Recognition rate' },
        { code: 'note', kind: 'text', title_vi: 'Ghi chú', title_en: 'Note' },
      ],
    },
  ],
  rules: [{ left: 'rec.*', op: '<=', right: 'reg.*' }],
};

async function upload(c, name, text) {
  const form = new FormData();
  form.append('_csrf', c.csrf);
  form.append('file', new Blob([text], { type: 'application/json' }), name);
  return c.request('POST', '/reports/forms', { body: form });
}

// The codes of the forms listed on /reports/forms.
function listed(html) {
  return [...html.matchAll(/<tr data-form="([^"]+)"/g)].map((m) => m[1]);
}

function alertText(html) {
  const m = html.match(/<div class="alert" role="alert">([^<]*)<\/div>/);
  assert.ok(m, 'an error is shown');
  return m[1];
}

// The target rows of one indicator's card: {unit|period: text of the target}.
function targets(html, code) {
  const card = html.split(`id="ind-${code}"`)[1];
  assert.ok(card, `the page shows ${code}`);
  const rows = {};
  for (const m of card.split('</section>')[0]
    .matchAll(/<tr data-unit="([^"]*)" data-period="([^"]*)">(.*?)<\/tr>/g)) {
    const target = m[3].match(/<td class="target">(.*?)<\/td>/)[1].replace(/<[^>]+>/g, '');
    rows[`${m[1]}|${m[2]}`] = target.replace(/\s+/g, ' ').trim();
  }
  return rows;
}

for (const backend of backends()) {
  test(`forms and targets administered in the browser (${backend.name})`, async (t) => {
    const srv = await startServer({ backend, t });
    const viewer = await loggedIn(srv.url, 'xem.haiphong', { home: true });
    const admin = await loggedIn(srv.url, 'hkh.haiphong', { home: true });

    await t.test('a viewer reads the forms, one form and its JSON', async () => {
      let res = await viewer.get('/reports');
      assert.equal(res.status, 200);
      assert.match(res.text, /<a id="forms-admin" href="\/reports\/forms">/);
      res = await viewer.get('/reports/forms');
      assert.equal(res.status, 200);
      const codes = listed(res.text);
      for (const code of ['clc', 'lifelong-week', 'study-month', 'yearly'])
        assert.ok(codes.includes(code), `${code} is listed: ${codes}`);
      assert.doesNotMatch(res.text, /id="form-upload"/, 'no upload for a viewer');
      assert.match(res.text, /chưa xác minh/, 'the shipped forms are unverified');

      res = await viewer.get('/reports/forms/yearly');
      assert.equal(res.status, 200);
      // The population row: a count filled from the residents' register.
      const pop = res.text.match(/<tr data-field="population">(.*?)<\/tr>/);
      assert.ok(pop, 'the population field is shown');
      assert.match(pop[1], /<code>population<\/code>/);
      assert.match(pop[1], /bắt buộc/);
      assert.match(pop[1], /<td class="source">[^<]*sổ theo dõi nhân khẩu/);
      // Counted in people, as on the report's entry page; households in
      // households.
      assert.match(pop[1], /<\/td><td>người<\/td>/);
      const hh = res.text.match(/<tr data-field="households">(.*?)<\/tr>/);
      assert.match(hh[1], /<\/td><td>hộ<\/td>/);
      assert.match(res.text, /id="default-deadline">15\/12 /);
      assert.match(res.text, /<ul id="rules"><li>/, 'the checks are listed');
      assert.match(res.text, /id="form-json" href="\/reports\/forms\/yearly.json"/);

      res = await viewer.get('/reports/forms/yearly.json');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type'), /application\/json/);
      assert.match(res.headers.get('content-disposition'), /attachment; filename="yearly.json"/);
      assert.equal(res.json.code, 'yearly');
      assert.ok(Array.isArray(res.json.sections));

      res = await viewer.get('/reports/forms/no-such-form');
      assert.equal(res.status, 404);
    });

    await t.test('a viewer may not upload a form nor set a target', async () => {
      let res = await upload(viewer, 't-admin.json', JSON.stringify(FORM));
      assert.equal(res.status, 403);
      res = await viewer.get('/reports/forms');
      assert.ok(!listed(res.text).includes('t-admin'), 'nothing stored');
      res = await viewer.get('/reports/indicators');
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /id="target-set"/);
      res = await viewer.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period: '2027', op: '>=', value: '30',
      });
      assert.equal(res.status, 403);
    });

    await t.test('the administrator uploads a new form, the same file, broken files', async () => {
      let res = await admin.get('/reports/forms');
      assert.match(res.text, /id="form-upload"/);
      const before = listed(res.text);
      const text = JSON.stringify(FORM, null, 2);
      res = await upload(admin, 't-admin.json', text);
      assert.equal(res.status, 303, res.text.slice(0, 800));
      assert.equal(res.location, '/reports/forms/t-admin?stored=new');
      res = await admin.get(res.location);
      assert.equal(res.status, 200);
      assert.match(res.text, /id="stored"/);
      assert.match(res.text, /Báo cáo kiểm thử quản trị biểu mẫu/);
      assert.match(res.text, /<tr data-field="reg">.*?<code>reg.family<\/code>/s);
      assert.match(res.text, /<tr data-field="rate">.*?Số được công nhận ÷ Số đăng ký × 100/s);
      assert.match(res.text, /id="default-deadline">20\/12 /);
      res = await admin.get('/reports/forms');
      assert.deepEqual(listed(res.text).sort(), [...before, 't-admin'].sort());
      const row = res.text.match(/<tr data-form="t-admin">(.*?)<\/tr>/s)[1];
      assert.match(row, /<td class="num">17<\/td>/, 'pop, reg, rec and rate by five models, note');

      // The same file again changes nothing.
      res = await upload(admin, 't-admin.json', text);
      assert.equal(res.status, 303);
      assert.equal(res.location, '/reports/forms/t-admin?stored=unchanged');

      // Not JSON: the line and column named, nothing stored.
      res = await upload(admin, 'hong.json', '{"code": "t-broken",\n  "title_vi": "x",,\n}');
      assert.equal(res.status, 422);
      assert.match(alertText(res.text), /2:\d+/);
      // A field of an unknown kind: the field named.
      const bad = structuredClone(FORM);
      bad.code = 't-bad';
      bad.sections[0].fields[4].kind = 'chữ';
      res = await upload(admin, 't-bad.json', JSON.stringify(bad));
      assert.equal(res.status, 422);
      assert.match(alertText(res.text), /note/);
      // A rule on a field the form does not have.
      bad.sections[0].fields[4].kind = 'text';
      bad.rules = [{ left: 'pop', op: '<=', right: 'households' }];
      res = await upload(admin, 't-bad.json', JSON.stringify(bad));
      assert.equal(res.status, 422);
      assert.match(alertText(res.text), /households/);
      // No file.
      res = await upload(admin, 'empty.json', '');
      assert.equal(res.status, 422);
      res = await admin.get('/reports/forms');
      assert.deepEqual(listed(res.text).sort(), [...before, 't-admin'].sort(),
        'nothing stored from the broken files');
    });

    await t.test('a changed form replaces it while it has no reports, never after', async () => {
      const changed = structuredClone(FORM);
      changed.title_vi = 'Báo cáo kiểm thử (sửa đổi)';
      let res = await upload(admin, 't-admin.json', JSON.stringify(changed));
      assert.equal(res.status, 303);
      assert.equal(res.location, '/reports/forms/t-admin?stored=replaced');
      res = await admin.get('/reports/forms/t-admin');
      assert.match(res.text, /Báo cáo kiểm thử \(sửa đổi\)/);

      // The demo's yearly form has reports: a changed file is refused.
      res = await admin.get('/reports/forms');
      const yearlyRow = res.text.match(/<tr data-form="yearly">(.*?)<\/tr>/s)[1];
      const filed = Number(yearlyRow.match(/<td class="reports-filed">(\d+)/)?.[1] ?? 0);
      if (filed > 0) {
        const y = (await admin.get('/reports/forms/yearly.json')).json;
        y.title_vi += ' (sửa)';
        res = await upload(admin, 'yearly.json', JSON.stringify(y));
        assert.equal(res.status, 409);
        assert.match(alertText(res.text), /yearly/);
        res = await admin.get('/reports/forms/yearly.json');
        assert.ok(!res.json.title_vi.endsWith('(sửa)'), 'the stored form is unchanged');
      }

      const audit = await admin.json('GET', '/api/v1/audit?limit=200');
      assert.equal(audit.status, 200);
      const s = JSON.stringify(audit.json);
      assert.ok(s.includes('report_form') && s.includes('"replace"'), 'the upload is audited');
    });

    await t.test('a target set, seen at once, refused when wrong, then removed', async () => {
      const period = '2027';
      let res = await admin.get('/reports/indicators');
      assert.equal(res.status, 200);
      assert.match(res.text, /id="target-set"/);
      // The shipped target of 2023, with its formula in words.
      assert.equal(targets(res.text, 'member-ratio')['31|2023'], '≥ 27,5 %');
      assert.match(res.text, /id="ind-member-ratio".*?class="formula">[^<]*hội viên/s);

      res = await admin.get(`/api/v1/indicators?unit=31&period=${period}`);
      const before = res.json.indicators.find((i) => i.code === 'member-ratio')
        .rows.find((r) => r.total);
      assert.equal(before.target, null, 'no target for 2027 yet');

      // Refusals keep what was typed.
      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period, op: '>=', value: 'ba mươi', source: 'Nghị quyết',
      });
      assert.equal(res.status, 422);
      assert.match(res.text, /value="ba mươi"/);
      assert.match(res.text, /value="Nghị quyết"/);
      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '99999', period, op: '>=', value: '30',
      });
      assert.equal(res.status, 404);
      assert.match(alertText(res.text), /99999/);
      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period: '2027-Q9', op: '>=', value: '30',
      });
      assert.equal(res.status, 422);

      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period, op: '>=', value: '33,5',
        source: 'Kế hoạch kiểm thử', verified: '0',
      });
      assert.equal(res.status, 303, res.text.slice(0, 800));
      res = await admin.get(res.location.split('#')[0]);
      assert.match(res.text, /id="done"/);
      assert.match(targets(res.text, 'member-ratio')[`31|${period}`], /^≥ 33,5 % chưa xác minh/);

      // At once on the indicators API and the dashboard.
      res = await admin.get(`/api/v1/indicators?unit=31&period=${period}`);
      let total = res.json.indicators.find((i) => i.code === 'member-ratio')
        .rows.find((r) => r.total);
      assert.deepEqual([total.target_op, total.target, total.target_verified], ['>=', 33.5, false]);
      res = await admin.get(`/units/31/dashboard?period=${period}&indicator=member-ratio`);
      assert.equal(res.status, 200);
      const card = res.text.split('id="ind-member-ratio"')[1].split('</section>')[0];
      assert.match(card, /≥ 33,5 %/);

      // Changed: replaced, not added.
      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period, op: '<=', value: '40', verified: '1',
      });
      assert.equal(res.status, 303);
      res = await admin.get('/reports/indicators');
      const rows = targets(res.text, 'member-ratio');
      assert.equal(rows[`31|${period}`], '≤ 40 %');
      assert.equal(Object.keys(rows).filter((k) => k.endsWith(`|${period}`)).length, 1);
      res = await admin.get(`/api/v1/indicators?unit=31&period=${period}`);
      total = res.json.indicators.find((i) => i.code === 'member-ratio').rows.find((r) => r.total);
      assert.deepEqual([total.target_op, total.target, total.target_verified], ['<=', 40, true]);

      // Exactly: printed as "=" on the dashboard, not as "≤".
      res = await admin.post('/reports/indicators/targets', {
        indicator: 'member-ratio', unit: '31', period, op: '=', value: '40', verified: '1',
      });
      assert.equal(res.status, 303);
      res = await admin.get(`/units/31/dashboard?period=${period}&indicator=member-ratio`);
      const exact = res.text.split('id="ind-member-ratio"')[1].split('</section>')[0];
      assert.match(exact, /= 40 %/);
      assert.doesNotMatch(exact, /[≤≥] 40 %/);

      // Removed.
      res = await viewer.post('/reports/indicators/targets/remove', {
        indicator: 'member-ratio', unit: '31', period,
      });
      assert.equal(res.status, 403);
      res = await admin.post('/reports/indicators/targets/remove', {
        indicator: 'member-ratio', unit: '31', period,
      });
      assert.equal(res.status, 303);
      res = await admin.get(`/api/v1/indicators?unit=31&period=${period}`);
      total = res.json.indicators.find((i) => i.code === 'member-ratio').rows.find((r) => r.total);
      assert.equal(total.target, null);
      res = await admin.post('/reports/indicators/targets/remove', {
        indicator: 'member-ratio', unit: '31', period,
      });
      assert.equal(res.status, 404);

      const audit = await admin.json('GET', '/api/v1/audit?limit=200');
      const s = JSON.stringify(audit.json);
      assert.ok(s.includes('target_set') && s.includes('target_remove'), 'targets are audited');
    });
  });
}
