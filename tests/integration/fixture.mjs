// Subjects of a test's own: a commune the demo data leaves untouched, with
// its own accounts, one residential group and its households, all made
// through the application (`khuyenhoc user add`, the organisation form and
// `khuyenhoc import people`). The demo records four years of the learning
// models in Phường Lê Chân and Phường Hồng Bàng; a test that counts
// registrations, recognitions or decisions works here instead, so that its
// hand-computed figures are the whole of what it counts.
//
//   import { ownCommune } from './fixture.mjs';
//   const own = await ownCommune(srv, AN_BIEN);
//   // own.officer, own.manager: logins (password khuyenhoc-demo)
//   // own.village: the group's code; own.households: H001, H002, ...

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { client, runCli } from './lib.mjs';

export const PW = 'khuyenhoc-demo';

// Today's wards of Hải Phòng with no demo data of their own.
export const AN_BIEN = {
  code: '11407', login: 'anbien', name: 'Phường An Biên', place: 'An Biên',
  body: 'Ủy ban nhân dân phường An Biên',
};
export const NGO_QUYEN = {
  code: '11329', login: 'ngoquyen', name: 'Phường Ngô Quyền', place: 'Ngô Quyền',
  body: 'Ủy ban nhân dân phường Ngô Quyền',
};

// Family names and given names of the heads of household, combined so that
// every head has a name of three words and a given name of their own.
const FAMILY = ['Lã', 'Mạc', 'Ông', 'Quách', 'Tạ', 'Văn', 'Kiều', 'Lạc'];
const GIVEN = ['Bách', 'Cường', 'Dũng', 'Đạt', 'Giang', 'Hiển', 'Khải', 'Lộc',
  'Mẫn', 'Nghĩa', 'Phát', 'Quế', 'Sang', 'Tài', 'Uy', 'Vĩnh', 'Xuân', 'Yên'];
const SPOUSE = ['Hoa', 'Lan', 'Huệ', 'Mai', 'Cúc', 'Đào'];

/**
 * A client logged in as `login` on the server at `url` (the login must
 * answer 303). With `home`, it also opens the home page, which must answer
 * 200: the session's form (CSRF) token comes with the first page after
 * logging in, so a client that posts forms needs it.
 */
export async function loggedIn(url, login, { home = false, password = PW } = {}) {
  const c = client(url);
  const res = await c.login(login, password);
  assert.equal(res.status, 303, `login ${login}: ${res.status} ${res.text.slice(0, 300)}`);
  if (home)
    assert.equal((await c.get('/')).status, 200);
  return c;
}

export const hh = (n) => `H${String(n).padStart(3, '0')}`;

async function cli(args, db, input) {
  const r = await runCli(args, { db, input });
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * Make `commune` (one of the constants above) ready for a test on server
 * `srv`: an officer (canbo.LOGIN) and a manager (quanly.LOGIN) of it, a
 * residential group "Tổ dân phố số 1" (code CODE-TDP01, valid from
 * 1 July 2025, when today's wards were formed) with `households` households
 * H001... of three people each (head, spouse, child). Resolves to the
 * commune's constants with officer, manager, village, villageName and
 * households (the household numbers).
 */
export async function ownCommune(srv, commune, { households = 12 } = {}) {
  const officer = `canbo.${commune.login}`;
  const manager = `quanly.${commune.login}`;
  for (const [login, role] of [[officer, 'officer'], [manager, 'manager']]) {
    await cli(['user', 'add', '--login', login, '--role', role, '--unit', commune.code],
      srv.db, `${PW}\n`);
  }

  const c = client(srv.url);
  const res = await c.login(officer, PW);
  assert.equal(res.status, 303, `login ${officer}`);
  await c.get(`/units/${commune.code}`);
  const village = `${commune.code}-TDP01`;
  const villageName = 'Tổ dân phố số 1';
  const made = await c.post(`/units/${commune.code}/organisations`,
    { name: villageName, kind: 'village', code: village, valid_from: '01/07/2025' });
  assert.equal(made.status, 303, made.text.slice(0, 500));

  const rows = ['STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD/CMND;Quan hệ với chủ hộ;Mã hộ;Thôn/Tổ dân phố'];
  const numbers = [];
  let n = 0;
  for (let i = 1; i <= households; i++) {
    const family = FAMILY[(i - 1) % FAMILY.length];
    const given = GIVEN[(i - 1) % GIVEN.length];
    const code = hh(i);
    numbers.push(code);
    rows.push(`${++n};${family} Văn ${given};12/03/${1960 + i};Nam;;Chủ hộ;${code};${village}`);
    rows.push(`${++n};Đinh Thị ${SPOUSE[(i - 1) % SPOUSE.length]};05/06/${1963 + i};Nữ;;Vợ;${code};${village}`);
    rows.push(`${++n};${family} Minh ${given};20/10/${1990 + i};Nam;;Con;${code};${village}`);
  }
  const dir = fs.mkdtempSync(path.join(process.env.KH_TEST_CACHE || os.tmpdir(), 'kh-own-'));
  try {
    const file = path.join(dir, 'nhan-khau.csv');
    fs.writeFileSync(file, rows.join('\r\n') + '\r\n');
    await cli(['import', 'people', file, '--unit', village], srv.db);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { ...commune, officer, manager, village, villageName, households: numbers };
}
