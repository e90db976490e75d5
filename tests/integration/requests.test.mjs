// Requests of data subjects through the pages, on SQLite and PostgreSQL: a
// request recorded on the person's page, a correction and an erasure
// answered on the unit's list, a restriction hiding the person from a
// viewer, the access export, a consent withdrawn, and scope refusals.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loggedIn } from './fixture.mjs';
import { backends, startServer } from './lib.mjs';

// Add a resident (with the consent box ticked) and return their number.
async function addPerson(c, name, idNumber) {
  await c.get('/units/11383/people');
  const res = await c.post('/units/11383/people', {
    full_name: name, birth: '02/03/1990', sex: 'F', id_number: idNumber,
    household: 'YC1', relation: 'Con', consent: '1',
  });
  assert.equal(res.status, 303, res.text);
  const list = await c.get(`/units/11383/people?q=${encodeURIComponent(name)}`);
  const m = list.text.match(/href="\/people\/(\d+)\/privacy">([^<]*)</);
  assert.ok(m, 'the new resident is listed with a link');
  return m[1];
}

async function record(c, id, kind, detail) {
  await c.get(`/people/${id}/privacy`);
  const res = await c.post(`/people/${id}/data-requests`, { kind, detail, received: '' });
  assert.equal(res.status, 303, res.text);
  assert.match(res.location, new RegExp(`/people/${id}/privacy\\?recorded=1`));
}

// The number of the open request of kind about the person named, from the list.
async function openRequest(c, name) {
  const page = await c.get('/units/11383/data-requests');
  assert.equal(page.status, 200);
  const forms = [...page.text.matchAll(/<h2>[^<]*: ([^<]*)<\/h2>(?:<p>[^<]*<\/p>)?<section class="card" id="answer-(\d+)"/g)];
  const f = forms.find((m) => m[1] === name);
  assert.ok(f, `an answer form for ${name}`);
  return f[2];
}

for (const backend of backends()) {
  test(`data requests on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });
    const off = await loggedIn(srv.url, 'canbo.lechan', { home: true });

    await t.test('a correction is recorded, answered and applied', async () => {
      const id = await addPerson(off, 'Tạ Thị Huyền Trang', '031190011122');
      await record(off, id, 'correct', 'Ngày sinh đúng là 03/03/1990');
      const unit = await off.get('/units/11383');
      assert.match(unit.text, /id="data-requests-link"/);
      const list = await off.get('/units/11383/data-requests');
      assert.match(list.text, /Tạ Thị Huyền Trang/);
      assert.match(list.text, /Chỉnh sửa dữ liệu/);
      const rq = await openRequest(off, 'Tạ Thị Huyền Trang');
      // The outcome is required: nothing is lost, the form comes back.
      let res = await off.post(`/data-requests/${rq}`, { back: '11383', answer: 'done', birth: '03/03/1990', outcome: '' });
      assert.equal(res.status, 400);
      assert.match(res.text, /03\/03\/1990/);
      res = await off.post(`/data-requests/${rq}`, { back: '11383', answer: 'done', birth: '03/03/1990', outcome: 'Đã sửa ngày sinh' });
      assert.equal(res.status, 303, res.text);
      const person = await off.get(`/people/${id}/privacy`);
      assert.match(person.text, /03\/03\/1990/);
      assert.match(person.text, /Đã sửa ngày sinh/);
    });

    await t.test('an erasure clears the data and the search finds no one', async () => {
      const id = await addPerson(off, 'Mạc Văn Xoá', '031190022233');
      await record(off, id, 'delete', '');
      const rq = await openRequest(off, 'Mạc Văn Xoá');
      const res = await off.post(`/data-requests/${rq}`, { back: '11383', answer: 'done', outcome: 'Đã xoá dữ liệu' });
      assert.equal(res.status, 303, res.text);
      const person = await off.get(`/people/${id}/privacy`);
      assert.match(person.text, /\(đã xoá theo yêu cầu\)/);
      assert.doesNotMatch(person.text, /031190022233|Mạc Văn/);
      const search = await off.get('/units/11383/people?q=mac%20van%20xoa');
      assert.match(search.text, /id="people-total">\(0\)/);
      const audit = await off.get('/audit?unit=11383');
      assert.doesNotMatch(audit.text, /031190022233/);
    });

    await t.test('a restriction hides the person from a viewer; the export has all', async () => {
      const id = await addPerson(off, 'Ninh Thị Kín', '031190033344');
      await record(off, id, 'restrict', 'Không muốn xuất hiện trong danh sách');
      const rq = await openRequest(off, 'Ninh Thị Kín');
      const res = await off.post(`/data-requests/${rq}`, { back: '11383', answer: 'done', outcome: 'Đã hạn chế xử lý' });
      assert.equal(res.status, 303, res.text);
      const v = await loggedIn(srv.url, 'xem.haiphong', { home: true });
      // Her name is not shown, and typing it finds nothing: a row with the
      // mark would tell the reader that she lives there.
      const list = await v.get('/units/11383/people?q=ninh');
      assert.doesNotMatch(list.text, /Ninh Thị Kín/);
      assert.doesNotMatch(list.text, /hạn chế xử lý theo yêu cầu/);
      const offList = await off.get('/units/11383/people?q=ninh%20kin');
      assert.doesNotMatch(offList.text, /Ninh Thị Kín|hạn chế xử lý theo yêu cầu/);
      assert.equal((await v.get(`/people/${id}/data.json`)).status, 403);
      const exp = await off.get(`/people/${id}/data.json`);
      assert.equal(exp.status, 200);
      assert.equal(exp.json.full_name, 'Ninh Thị Kín');
      assert.equal(exp.json.id_number, '031190033344');
      assert.equal(exp.json.restricted, true);
      assert.equal(exp.json.requests[0].kind, 'restrict');
    });

    await t.test('a consent is withdrawn once and kept', async () => {
      const id = await addPerson(off, 'Lã Văn Rút', '031190044455');
      let page = await off.get(`/people/${id}/privacy`);
      const m = page.text.match(/action="\/consents\/(\d+)\/withdraw"/);
      assert.ok(m, 'a withdrawal button');
      let res = await off.post(`/consents/${m[1]}/withdraw`, {});
      assert.equal(res.status, 303, res.text);
      page = await off.get(`/people/${id}/privacy`);
      assert.doesNotMatch(page.text, /\/withdraw"/);
      res = await off.post(`/consents/${m[1]}/withdraw`, {});
      assert.equal(res.status, 409);
    });

    await t.test('another commune and viewers are refused', async () => {
      const id = await addPerson(off, 'Vi Thị Phạm Vi', '031190055566');
      const other = await loggedIn(srv.url, 'canbo.hongbang', { home: true });
      assert.equal((await other.get(`/people/${id}/privacy`)).status, 403);
      assert.equal((await other.get('/units/11383/data-requests')).status, 403);
      const res = await other.post(`/people/${id}/data-requests`, { kind: 'delete', detail: '' });
      assert.equal(res.status, 403);
      const v = await loggedIn(srv.url, 'xem.haiphong', { home: true });
      await v.get('/units/11383');
      assert.equal((await v.post(`/people/${id}/data-requests`, { kind: 'access', detail: '' })).status, 403);
    });
  });
}
