// The server starts on every backend and answers its operational routes.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { backends, client, startServer } from './lib.mjs';

for (const backend of backends()) {
  test(`smoke on ${backend.name}`, async (t) => {
    // Stopped after the test; a non-zero exit (e.g. a sanitizer report)
    // fails it.
    const srv = await startServer({ backend, t });
    const c = client(srv.url);

    await t.test('GET /healthz is 200 and says ok', async () => {
      const res = await c.get('/healthz');
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /\bok\b/i);
    });

    await t.test('GET /metrics is 200 with the request counter', async () => {
      const res = await c.get('/metrics');
      assert.equal(res.status, 200, res.text);
      assert.match(res.text, /^khuyenhoc_http_requests_total\b/m);
    });

    await t.test('an unknown path is 404', async () => {
      const res = await c.get(`/no/such/page-${Date.now()}`);
      assert.equal(res.status, 404, res.text);
    });
  });
}
