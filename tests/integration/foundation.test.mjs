// The foundation over HTTP against the real server, on SQLite and on
// PostgreSQL: logging in, units and search, organisations, accounts, the
// audit log, the scope rule on every route, CSRF, bad input and the API.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { PW, loggedIn } from './fixture.mjs';
import { backends, client, runCli, startServer } from './lib.mjs';

for (const backend of backends()) {
  test(`foundation on ${backend.name}`, async (t) => {
    const srv = await startServer({ backend, t });

    await t.test('the login page is Vietnamese by default and English by the switch', async () => {
      const c = client(srv.url);
      let res = await c.get('/login');
      assert.equal(res.status, 200);
      assert.match(res.text, /<html lang="vi"/);
      assert.match(res.text, /Đăng nhập/);
      res = await c.get('/lang/en?next=/login');
      assert.equal(res.status, 303);
      res = await c.get('/login');
      assert.match(res.text, /<html lang="en"/);
      assert.match(res.text, />Log in</);
    });

    await t.test('pages need a login', async () => {
      const c = client(srv.url);
      const res = await c.get('/units/31');
      assert.equal(res.status, 303);
      assert.match(res.location, /^\/login\?next=/);
      const api = await c.json('GET', '/api/v1/units/31');
      assert.equal(api.status, 401);
      assert.equal(api.json.error.code, 'unauthenticated');
    });

    await t.test('a wrong password is refused with a translated message', async () => {
      const c = client(srv.url);
      const res = await c.login('canbo.lechan', 'not-the-password');
      assert.equal(res.status, 401);
      assert.match(res.text, /Tên đăng nhập hoặc mật khẩu không đúng/);
      assert.equal(c.cookies.has('kh_session'), false);
    });

    await t.test('the session cookie is HttpOnly and SameSite', async () => {
      const c = client(srv.url);
      await c.get('/login');
      const res = await c.post('/login', { login: 'canbo.lechan', password: PW });
      const set = (res.headers.get('set-cookie') || '').match(/kh_session=[^,]+/)?.[0];
      assert.ok(set, 'a session cookie is set');
      assert.match(set, /HttpOnly/);
      assert.match(set, /SameSite=Lax/);
    });

    await t.test('the city administrator browses both structures and searches without diacritics', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
      let res = await c.get('/');
      assert.equal(res.status, 200);
      assert.match(res.text, /Nguyễn Thị Hoa/);
      res = await c.get('/units/31');
      assert.equal(res.status, 200);
      assert.match(res.text, /<h1>Thành phố Hải Phòng<\/h1>/);
      // 114 communes of the new city.
      assert.match(res.text, /Đơn vị trực thuộc <span class="muted">\(114\)<\/span>/);
      // The old city (and old Hải Dương) it was formed from.
      assert.match(res.text, /href="\/units\/31\?on=2025-06-30"/);
      res = await c.get('/units/31?on=2025-06-30');
      assert.equal(res.status, 200);
      assert.match(res.text, /Đơn vị trực thuộc <span class="muted">\(15\)<\/span>/);
      assert.match(res.text, /Quận Lê Chân/);
      res = await c.get('/units?q=le%20chan');
      assert.equal(res.status, 200);
      assert.match(res.text, /Quận Lê Chân/);
      assert.match(res.text, /Phường Lê Chân/);
      res = await c.get('/units?q=hai+phong');
      assert.match(res.text, /Thành phố Hải Phòng/);
      // Outside the city: not found in the search, refused by code.
      res = await c.get('/units?q=ba%20dinh');
      assert.doesNotMatch(res.text, /Ba Đình/);
      res = await c.get('/units/01');
      assert.equal(res.status, 403);
    });

    await t.test('a code names a unit at a date', async () => {
      const c = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
      let res = await c.json('GET', '/api/v1/units/10507');
      assert.equal(res.status, 200);
      assert.equal(res.json.name, 'Phường Thành Đông');
      res = await c.json('GET', '/api/v1/units/10507?on=2025-06-30');
      assert.equal(res.status, 200);
      assert.equal(res.json.name, 'Phường Cẩm Thượng');
      assert.equal(res.json.valid_to, '2025-06-30');
      res = await c.json('GET', '/api/v1/units/10507?on=30/06/2025');
      assert.equal(res.json.name, 'Phường Cẩm Thượng');
      res = await c.json('GET', '/api/v1/units/10507?on=31/02/2025');
      assert.equal(res.status, 400);
      assert.equal(res.json.error.field, 'on');
    });

    await t.test('an officer sees only their commune, by page, by API and by guessing', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      const allowed = ['/units/11383', '/units/11383-TDP05', '/units/11395?on=2025-06-30',
        '/api/v1/units/11383', '/api/v1/units/11383-THHK'];
      for (const p of allowed) {
        const res = p.startsWith('/api/') ? await c.json('GET', p) : await c.get(p);
        assert.equal(res.status, 200, `${p}: ${res.status}`);
      }
      const refused = ['/units/11311', '/units/11311-THMK', '/units/31', '/units/VN',
        '/units/304?on=2025-06-30', '/units/10507', '/units/11311?on=2025-06-30'];
      for (const p of refused) {
        const res = await c.get(p);
        assert.equal(res.status, 403, `${p}: ${res.status}`);
        assert.match(res.text, /nằm ngoài phạm vi/);
      }
      for (const p of ['/api/v1/units/11311', '/api/v1/units/31', '/api/v1/units/11311-THMK']) {
        const res = await c.json('GET', p);
        assert.equal(res.status, 403, p);
        assert.equal(res.json.error.code, 'forbidden');
      }
      // Search stays inside the scope.
      let res = await c.json('GET', '/api/v1/units?q=hong%20bang');
      assert.equal(res.status, 200);
      assert.equal(res.json.items.length, 0);
      res = await c.json('GET', '/api/v1/units?q=to%20dan%20pho');
      assert.ok(res.json.items.length >= 2);
      for (const u of res.json.items) assert.match(u.code, /^11383/);
      // Writing outside: refused, and nothing is created.
      res = await c.post('/units/11311/organisations', { name: 'Chi hội lạ', kind: 'chapter' });
      assert.equal(res.status, 403);
      res = await c.json('POST', '/api/v1/units/11311/organisations', { name: 'Chi hội lạ', kind: 'chapter' });
      assert.equal(res.status, 403);
      const admin = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
      res = await admin.get('/units/11311');
      assert.doesNotMatch(res.text, /Chi hội lạ/);
      // Accounts and audit are for managers.
      assert.equal((await c.get('/users')).status, 403);
      assert.equal((await c.get('/audit')).status, 403);
      assert.equal((await c.json('GET', '/api/v1/users')).status, 403);
      assert.equal((await c.json('GET', '/api/v1/audit')).status, 403);
    });

    await t.test('an officer adds an organisation; the manager reads it in the audit log', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383-TDP05');
      let res = await c.post('/units/11383-TDP05/organisations', {
        name: 'Câu lạc bộ đọc sách Tổ dân phố số 5', kind: 'chapter', valid_from: '01/09/2025',
      });
      assert.equal(res.status, 303, res.text.slice(0, 500));
      const page = await c.get(res.location);
      assert.equal(page.status, 200);
      assert.match(page.text, /Câu lạc bộ đọc sách Tổ dân phố số 5/);
      assert.match(page.text, /01\/09\/2025/);
      const code = res.location.replace(/^\/units\//, '').replace(/\?.*$/, '');
      assert.match(code, /^11383-TDP05-\d\d$/);
      const mgr = await loggedIn(srv.url, 'quanly.lechan', { home: true });
      res = await mgr.get('/audit?user=canbo.lechan');
      assert.equal(res.status, 200);
      assert.match(res.text, /Câu lạc bộ đọc sách/);
      assert.match(res.text, /canbo\.lechan/);
      res = await mgr.json('GET', `/api/v1/audit?unit=${code}`);
      assert.equal(res.status, 200);
      assert.equal(res.json.items[0].action, 'create');
      assert.equal(res.json.items[0].after.name, 'Câu lạc bộ đọc sách Tổ dân phố số 5');
      // Another commune's manager-level audit is not visible.
      const other = await loggedIn(srv.url, 'canbo.hongbang', { home: true });
      assert.equal((await other.get(`/units/${code}`)).status, 403);
    });

    await t.test('an officer changes an organisation and the change is audited with before and after', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383-THHK');
      let res = await c.post('/units/11383-THHK', {
        name: 'Trường Tiểu học Hàng Kênh (cơ sở 1)', address: '12 Hàng Kênh', valid_from: '01/07/2025', valid_to: '',
      });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      res = await c.get('/units/11383-THHK');
      assert.match(res.text, /<h1>Trường Tiểu học Hàng Kênh \(cơ sở 1\)<\/h1>/);
      assert.match(res.text, /12 Hàng Kênh/);
      res = await c.post('/units/11383-THHK', { name: '', valid_from: '01/07/2025' });
      assert.equal(res.status, 400);
      // Official units cannot be changed this way.
      await c.get('/units/11383');
      res = await c.post('/units/11383', { name: 'Phường Mới' });
      assert.equal(res.status, 403);
      const mgr = await loggedIn(srv.url, 'quanly.lechan', { home: true });
      res = await mgr.json('GET', '/api/v1/audit?unit=11383-THHK');
      const upd = res.json.items.find((e) => e.action === 'update');
      assert.ok(upd, JSON.stringify(res.json));
      assert.equal(upd.before.name, 'Trường Tiểu học Hàng Kênh');
      assert.equal(upd.after.name, 'Trường Tiểu học Hàng Kênh (cơ sở 1)');
    });

    await t.test('bad organisation input is refused with the reason and keeps what was typed', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383');
      let res = await c.post('/units/11383/organisations', { name: '', kind: 'school' });
      assert.equal(res.status, 400);
      res = await c.post('/units/11383/organisations', { name: 'Trường Mầm non Hoa Sen', kind: 'spaceship' });
      assert.equal(res.status, 400);
      assert.match(res.text, /value="Trường Mầm non Hoa Sen"/);
      res = await c.post('/units/11383/organisations', { name: 'Trường Mầm non Hoa Sen', kind: 'school', valid_from: '32/13/2025' });
      assert.equal(res.status, 400);
      assert.match(res.text, /32\/13\/2025/);
      res = await c.post('/units/11383/organisations', { name: 'Trùng mã', kind: 'school', code: '11383-THHK' });
      assert.equal(res.status, 409);
      // Before the commune existed (it was formed on 01/07/2025).
      res = await c.post('/units/11383/organisations', { name: 'Quá sớm', kind: 'school', valid_from: '01/01/2020' });
      assert.equal(res.status, 400);
    });

    await t.test('state changes need the CSRF token of the session', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      await c.get('/units/11383');
      let res = await c.post('/units/11383/organisations', { name: 'Không có mã chống giả mạo', kind: 'school' }, { csrf: false });
      assert.equal(res.status, 403);
      assert.match(res.text, /Biểu mẫu đã hết hạn/);
      res = await c.post('/units/11383/organisations', { name: 'Mã cũ', kind: 'school', _csrf: 'stale-token-value' });
      assert.equal(res.status, 403);
      res = await c.post('/units/11383/organisations', { name: 'Từ trang khác', kind: 'school' },
        { headers: { origin: 'http://evil.example' } });
      assert.equal(res.status, 403);
      res = await c.get('/units/11383');
      assert.doesNotMatch(res.text, /Không có mã chống giả mạo|Mã cũ|Từ trang khác/);
    });

    await t.test('malformed UTF-8, oversized bodies, unknown codes and bad JSON get clear errors', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      let res = await c.get('/units?q=%C3%28');
      assert.equal(res.status, 400);
      assert.match(res.text, /UTF-8/);
      res = await c.json('GET', '/api/v1/units?q=%FF');
      assert.equal(res.status, 400);
      assert.equal(res.json.error.code, 'invalid');
      res = await c.post('/units/11383/organisations', { name: 'x'.repeat(2 * 1024 * 1024), kind: 'school' });
      assert.equal(res.status, 413);
      res = await c.get('/units/99999999');
      assert.equal(res.status, 404);
      res = await c.json('GET', '/api/v1/units/99999999');
      assert.equal(res.status, 404);
      assert.equal(res.json.error.code, 'not_found');
      res = await c.json('POST', '/api/v1/units/11383/organisations', '{"name": "thiếu dấu đóng"');
      assert.equal(res.status, 400);
      res = await c.json('POST', '/api/v1/units/11383/organisations', { name: 5, kind: 'school' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.field, 'name');
      res = await c.json('POST', '/api/v1/units/11383/organisations', { kind: 'school' });
      assert.equal(res.status, 400);
      assert.equal(res.json.error.field, 'name');
    });

    await t.test('input typed in NFD is stored in NFC', async () => {
      const c = await loggedIn(srv.url, 'canbo.lechan', { home: true });
      const nfd = 'Trường Tiểu học Lê Lợi'.normalize('NFD');
      const res = await c.json('POST', '/api/v1/units/11383/organisations', { name: nfd, kind: 'school' });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal(res.json.name, 'Trường Tiểu học Lê Lợi'.normalize('NFC'));
      const found = await c.json('GET', '/api/v1/units?q=truong%20tieu%20hoc%20le%20loi');
      assert.equal(found.json.items.length, 1);
    });

    await t.test('a manager creates accounts within their role and scope only', async () => {
      const mgr = await loggedIn(srv.url, 'quanly.lechan', { home: true });
      await mgr.get('/users');
      let res = await mgr.post('/users', {
        login: 'canbo2.lechan', full_name: 'Đỗ Thị Mai', role: 'officer', unit: '11383-TDP05', password: 'mat-khau-moi',
      });
      assert.equal(res.status, 303, res.text.slice(0, 400));
      res = await mgr.get('/users');
      assert.match(res.text, /canbo2\.lechan/);
      assert.match(res.text, /Đỗ Thị Mai/);
      res = await mgr.post('/users', { login: 'boss', full_name: 'X', role: 'admin', unit: '11383', password: 'mat-khau-moi' });
      assert.equal(res.status, 403);
      res = await mgr.post('/users', { login: 'hb2', full_name: 'X', role: 'officer', unit: '11311', password: 'mat-khau-moi' });
      assert.equal(res.status, 403);
      res = await mgr.post('/users', { login: 'short', full_name: 'X', role: 'officer', unit: '11383', password: '123' });
      assert.equal(res.status, 400);
      assert.match(res.text, /ít nhất 8 ký tự/);
      // The new account logs in and sees only its village's subtree.
      const off = await loggedIn(srv.url, 'canbo2.lechan', { home: true, password: 'mat-khau-moi' });
      assert.equal((await off.get('/units/11383-TDP05')).status, 200);
      assert.equal((await off.get('/units/11383')).status, 403);
      // The city administrator sees both; the other commune's officer neither.
      const admin = await loggedIn(srv.url, 'hkh.haiphong', { home: true });
      res = await admin.json('GET', '/api/v1/users');
      assert.ok(res.json.items.some((u) => u.login === 'canbo2.lechan'));
    });

    await t.test('a viewer reads but cannot write', async () => {
      const v = await loggedIn(srv.url, 'xem.haiphong', { home: true });
      assert.equal((await v.get('/units/11383')).status, 200);
      const res = await v.post('/units/11383/organisations', { name: 'Không được', kind: 'school' });
      assert.equal(res.status, 403);
      assert.equal((await v.get('/users')).status, 403);
    });

    await t.test('API tokens from the command line work with Bearer and respect the scope', async () => {
      const r = await runCli(['token', 'create', '--login', 'canbo.lechan'], { db: srv.db });
      assert.equal(r.code, 0, r.stderr);
      const token = r.stdout.trim();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const c = client(srv.url);
      let res = await c.json('GET', '/api/v1/units/11383', null, { token });
      assert.equal(res.status, 200);
      assert.equal(res.json.code, '11383');
      assert.ok(res.json.children.some((u) => u.code === '11383-TDP05'));
      res = await c.json('GET', '/api/v1/units/31', null, { token });
      assert.equal(res.status, 403);
      res = await c.json('GET', '/api/v1/me', null, { token });
      assert.equal(res.json.login, 'canbo.lechan');
      res = await c.json('POST', '/api/v1/units/11383/organisations', { name: 'Tổ chức qua API', kind: 'board' }, { token });
      assert.equal(res.status, 201);
      res = await c.json('GET', '/api/v1/units/11383', null, { token: 'x'.repeat(43) });
      assert.equal(res.status, 401);
    });

    await t.test('repeated wrong passwords are rate limited', async () => {
      const c = client(srv.url);
      let last;
      for (let i = 0; i < 6; i++) last = await c.login('canbo.hongbang', 'wrong-password');
      assert.equal(last.status, 429);
      last = await c.login('canbo.hongbang', PW);
      assert.equal(last.status, 429);
    });

    await t.test('logging out ends the session', async () => {
      const c = await loggedIn(srv.url, 'xem.haiphong', { home: true });
      const cookie = c.cookies.get('kh_session');
      await c.get('/');
      let res = await c.post('/logout', {});
      assert.equal(res.status, 303);
      const again = client(srv.url);
      again.cookies.set('kh_session', cookie);
      res = await again.get('/units/31');
      assert.equal(res.status, 303);
    });

    await t.test('metrics count requests', async () => {
      const res = await client(srv.url).get('/metrics');
      const m = res.text.match(/^khuyenhoc_http_requests_total\{class="2xx"\} (\d+)$/m);
      assert.ok(m && Number(m[1]) > 10, res.text);
      assert.match(res.text, /^khuyenhoc_process_resident_memory_bytes \d+$/m);
    });
  });
}

test('the command line lists and searches units as they stood on a date', async () => {
  const srv = await startServer({ backend: backends()[0] });
  try {
    let r = await runCli(['units', 'list', '--under', '31', '--on', '2025-06-30', '--format', 'csv'], { db: srv.db });
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    const districts = rows.filter((l) => l.split(',')[2] === 'district');
    assert.equal(districts.length, 15);
    r = await runCli(['units', 'list', '--under', '31', '--format', 'json'], { db: srv.db });
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout);
    assert.equal(list.filter((u) => u.kind === 'commune').length, 114);
    r = await runCli(['units', 'search', 'le chan', '--format', 'csv'], { db: srv.db });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Quận Lê Chân/);
    assert.match(r.stdout, /Phường Lê Chân/);
    r = await runCli(['units', 'list', '--under', '99999'], { db: srv.db });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /99999/);
    r = await runCli(['units', 'list', '--bogus'], { db: srv.db });
    assert.notEqual(r.code, 0);
  } finally {
    await srv.stop();
  }
});
