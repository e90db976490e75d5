// The public learning-citizen self-assessment over HTTP, on SQLite and
// PostgreSQL: a citizen without an account chooses the place, gives who they
// are and their consent, answers the form of their group and gets a receipt
// code; the village board accepts or rejects from its queue; the status page
// follows; CSRF without a session, rate limits and scope hold.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PW, loggedIn } from './fixture.mjs';
import { backends, client, runCli, startServer } from './lib.mjs';

const PERSON = {
  unit: '11383-TDP05',
  full_name: 'Phạm Thị Lan',
  birth: '12/04/1985',
  sex: 'F',
  id_number: '031185009999',
  phone: '0912 345 678',
  subject_group: '1',
};

const ANSWERS = {
  'a_N1.1': '8', 'a_N1.2': '10', 'a_N1.3': '7', 'a_N1.4a': '9', 'a_N2.1': '8',
  'a_N2.2': '6', 'a_N2.3': '8', 'a_N3.1': '10', 'a_N3.2': '7', 'a_N3.3': '7,5',
};

// The whole public path, from the form to the receipt; returns the code.
async function sendForm(c, person = PERSON, answers = ANSWERS) {
  await c.get(`/public/citizen?unit=${person.unit}`);
  let res = await c.post('/public/citizen', { step: '2', ...person, consent: '1' });
  assert.equal(res.status, 200, res.text.slice(0, 2000));
  res = await c.post('/public/citizen', { step: '3', ...person, consent: '1', ...answers });
  if (res.status !== 303) return { res };
  const m = /code=([A-Z0-9]+)/.exec(res.location);
  assert.ok(m, res.location);
  return { res, code: m[1] };
}

for (const backend of backends()) {
  test(`public self-assessment on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    let code;

    await t.test('the commune is found and its villages listed, without logging in', async () => {
      const c = client(srv.url);
      let res = await c.get('/public/citizen');
      assert.equal(res.status, 200);
      assert.doesNotMatch(res.text, /<nav aria-label/);
      res = await c.get('/public/citizen?q=le%20chan');
      assert.match(res.text, /href="\/public\/citizen\?commune=11383"/);
      res = await c.get('/public/citizen?commune=11383');
      assert.match(res.text, /<option value="11383-TDP05">Tổ dân phố số 5<\/option>/);
      // A commune that has villages cannot be chosen itself.
      res = await c.get('/public/citizen?unit=11383');
      assert.equal(res.status, 400);
    });

    await t.test('step 2 shows the notice and an unticked consent box; refusals keep what was typed', async () => {
      const c = client(srv.url);
      let res = await c.get('/public/citizen?unit=11383-TDP05');
      assert.equal(res.status, 200);
      assert.match(res.text, /Nghị định số 13\/2023\/NĐ-CP/);
      assert.match(res.text, /Hội Khuyến học Phường Lê Chân/);
      assert.match(res.text, /<input type="checkbox" name="consent" value="1" id="f-consent">/);
      assert.doesNotMatch(res.text, /name="(ethnicity|religion)"/);
      res = await c.post('/public/citizen', { step: '2', ...PERSON });
      assert.equal(res.status, 400);
      assert.match(res.text, /đồng ý/);
      assert.match(res.text, /value="Phạm Thị Lan"/);
      res = await c.post('/public/citizen', { step: '2', ...PERSON, id_number: '1234', consent: '1' });
      assert.equal(res.status, 400);
      assert.match(res.text, /value="0912 345 678"/);
      // Without the double-submit token the form is refused.
      const other = client(srv.url);
      res = await other.post('/public/citizen', { step: '2', ...PERSON, consent: '1' });
      assert.equal(res.status, 403);
    });

    await t.test('step 3 asks the questions of the group only, and a value over the maximum is refused', async () => {
      const c = client(srv.url);
      await c.get('/public/citizen?unit=11383-TDP05');
      let res = await c.post('/public/citizen', { step: '2', ...PERSON, consent: '1' });
      assert.match(res.text, /name="a_N1\.4a"/);
      assert.doesNotMatch(res.text, /name="a_N1\.4b"/);
      assert.match(res.text, /chưa xác minh/);
      res = await c.post('/public/citizen', { step: '3', ...PERSON, consent: '1', ...ANSWERS, 'a_N1.1': '12' });
      assert.equal(res.status, 400);
      assert.match(res.text, /value="7,5"/);
    });

    await t.test('a sent form gives a receipt code and waits', async () => {
      const c = client(srv.url);
      const sent = await sendForm(c);
      code = sent.code;
      assert.equal(code.length, 10);
      const res = await c.get(sent.res.location);
      assert.equal(res.status, 200);
      assert.match(res.text, new RegExp(`id="code">${code}<`));
      assert.match(res.text, /data-state="pending"/);
      // Nothing personal on the status page.
      assert.doesNotMatch(res.text, /Phạm Thị Lan|031185009999|0912/);
      assert.equal((await c.get('/public/status?code=ZZZZZZZZZZ')).status, 404);
    });

    await t.test('another commune\'s officer sees nothing and cannot decide', async () => {
      const o = await loggedIn(srv.url, 'canbo.hongbang');
      assert.equal((await o.get('/units/11383/public-submissions')).status, 403);
      const v = await loggedIn(srv.url, 'xem.haiphong');
      assert.equal((await v.get('/units/11383/public-submissions')).status, 403);
    });

    await t.test('the board sees the answers and the score, and accepts', async () => {
      const o = await loggedIn(srv.url, 'canbo.lechan');
      let res = await o.get('/units/11383/public-submissions');
      assert.equal(res.status, 200);
      assert.match(res.text, /Tự đánh giá trực tuyến/);
      assert.match(res.text, new RegExp(`id="sub-${code}" data-state="pending"`));
      assert.match(res.text, /class="total">80\.5</);
      const id = /\/public-submissions\/(\d+)\/accept/.exec(res.text)[1];
      const h = await loggedIn(srv.url, 'canbo.hongbang');
      await h.get('/');
      assert.equal((await h.post(`/units/11383/public-submissions/${id}/accept`)).status, 403);
      res = await o.post(`/units/11383/public-submissions/${id}/accept`);
      assert.equal(res.status, 303);
      res = await o.get(res.location);
      assert.match(res.text, new RegExp(`id="sub-${code}" data-state="accepted"`));
      // Twice is refused.
      res = await o.post(`/units/11383/public-submissions/${id}/accept`);
      assert.equal(res.status, 409);
      const c = client(srv.url);
      res = await c.get(`/public/status?code=${code.toLowerCase()}`);
      assert.match(res.text, /data-state="accepted"/);
      assert.match(res.text, /id="reg-state">/);
      // The person is in the registry once, with the CCCD.
      res = await o.get('/units/11383/people?q=pham%20thi%20lan');
      assert.match(res.text, /031185009999/);
    });

    await t.test('a rejection needs a reason', async () => {
      const c = client(srv.url);
      const sent = await sendForm(c, { ...PERSON, full_name: 'Lê Văn Thử', id_number: '' });
      const o = await loggedIn(srv.url, 'canbo.lechan');
      let res = await o.get('/units/11383/public-submissions');
      const m = new RegExp(`id="sub-${sent.code}"[\\s\\S]*?/public-submissions/(\\d+)/reject`).exec(res.text);
      assert.ok(m);
      res = await o.post(`/units/11383/public-submissions/${m[1]}/reject`, { reason: ' ' });
      assert.equal(res.status, 400);
      res = await o.post(`/units/11383/public-submissions/${m[1]}/reject`, { reason: 'Không cư trú tại tổ dân phố' });
      assert.equal(res.status, 303);
      res = await c.get(`/public/status?code=${sent.code}`);
      assert.match(res.text, /data-state="rejected"/);
    });

    await t.test('at most 5 forms an hour from one address (429)', async () => {
      const c = client(srv.url);
      // Two were sent above from this address.
      for (let i = 0; i < 3; i++) {
        const sent = await sendForm(c, { ...PERSON, id_number: '' });
        assert.equal(sent.res.status, 303, `form ${i}`);
      }
      const sent = await sendForm(c, { ...PERSON, id_number: '' });
      assert.equal(sent.res.status, 429);
      assert.match(sent.res.text, /quá nhiều phiếu/);
    });
  });

  // A commune without villages or residential groups recorded (Phường
  // Thành Đông): the commune itself is the place, its association's officer
  // decides the form.
  test(`public self-assessment in a commune without villages on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const add = await runCli(['user', 'add', '--login', 'canbo.thanhdong', '--role', 'officer',
      '--unit', '10507'], { db: srv.db, input: `${PW}\n` });
    assert.equal(add.code, 0, add.stderr);
    const person = { ...PERSON, unit: '10507', full_name: 'Vũ Thị Mai', id_number: '030190004321' };
    const c = client(srv.url);
    let res = await c.get('/public/citizen?commune=10507');
    assert.equal(res.status, 200);
    assert.match(res.text, /<input type="hidden" name="unit" value="10507">/);
    assert.doesNotMatch(res.text, /<select[^>]*name="unit"/);
    res = await c.get('/public/citizen?unit=10507');
    assert.equal(res.status, 200);
    assert.match(res.text, /Hội Khuyến học Phường Thành Đông/);
    const sent = await sendForm(c, person);
    assert.equal(sent.res.status, 303, sent.res.text && sent.res.text.slice(0, 2000));
    // Lê Chân's board does not see it; Thành Đông's does, and accepts it.
    const lc = await loggedIn(srv.url, 'canbo.lechan');
    res = await lc.get('/units/11383/public-submissions');
    assert.doesNotMatch(res.text, new RegExp(`id="sub-${sent.code}"`));
    assert.equal((await lc.get('/units/10507/public-submissions')).status, 403);
    const o = await loggedIn(srv.url, 'canbo.thanhdong');
    res = await o.get('/units/10507/public-submissions');
    assert.equal(res.status, 200);
    assert.match(res.text, new RegExp(`id="sub-${sent.code}" data-state="pending"`));
    const id = new RegExp(`id="sub-${sent.code}"[\\s\\S]*?/public-submissions/(\\d+)/accept`).exec(res.text)[1];
    res = await o.post(`/units/10507/public-submissions/${id}/accept`);
    assert.equal(res.status, 303);
    res = await c.get(`/public/status?code=${sent.code}`);
    assert.match(res.text, /data-state="accepted"/);
    // The person is recorded in the commune and registered there.
    res = await o.get('/units/10507/people?q=vu%20thi%20mai');
    assert.match(res.text, /030190004321/);
    res = await o.get('/units/10507/registrations?year=' + new Date().getFullYear() + '&model=citizen');
    assert.match(res.text, />Vũ Thị Mai<\/a>/);
    assert.match(res.text, /data-state="self_assessed"|state-self_assessed/);
  });
}
