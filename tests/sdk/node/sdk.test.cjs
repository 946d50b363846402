// @larksuiteoapi/node-sdk (the official Node SDK) against the mock: what the SDK surfaces.
//
// Run by tests/sdk/run.sh with LARK_MOCK_URL set to the mock's base URL. The SDK uses
// axios: a non-2xx answer rejects with the axios error (status, body and headers on
// `err.response`); headers come back through axios's case-insensitive map.
'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const lark = require('@larksuiteoapi/node-sdk');

const BASE = process.env.LARK_MOCK_URL;
const LOG_ID = /^\d{14}[0-9A-F]{18}$/;

const stats = async () => (await fetch(`${BASE}/_mock/stats`)).json();

// The SDK logs every failed call itself; the assertions say what matters.
const quiet = { fatal() {}, error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const client = (appId = 'cli_node', appSecret = 'node_secret') =>
  new lark.Client({ appId, appSecret, domain: BASE, logger: quiet, loggerLevel: lark.LoggerLevel.fatal });

const call = (c, url) => c.request({ method: 'GET', url, $return_headers: true });

// The axios error a non-2xx answer rejects with.
const rejected = async (promise) => {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('the call succeeded');
};

test('fetches one tenant token and calls', async () => {
  const before = (await stats()).token_fetches;
  const c = client();
  const chats = await c.im.v1.chat.list({});
  assert.equal(chats.code, 0);
  for (let i = 0; i < 3; i++) {
    const { data, headers } = await call(c, '/open-apis/im/v1/chats');
    assert.equal(data.code, 0);
    assert.match(headers['x-tt-logid'], LOG_ID);
  }
  // The SDK caches the token: one fetch for four calls.
  assert.equal((await stats()).token_fetches - before, 1);
});

test('stale token', async () => {
  const e = await rejected(client().im.v1.chat.get({ path: { chat_id: 'oc_stale' } }));
  assert.equal(e.response.status, 400);
  assert.equal(e.response.data.code, 99991663);
  assert.match(e.response.data.msg, /^Invalid access token/);
  assert.match(e.response.headers['x-tt-logid'], LOG_ID);
  assert.equal(e.response.headers['x-tt-logid'], e.response.data.error.log_id);
});

test('rate limit', async () => {
  const e = await rejected(client().im.v1.chat.get({ path: { chat_id: 'oc_limited' } }));
  assert.equal(e.response.status, 429);
  assert.equal(e.response.data.code, 99991400);
  assert.equal(e.response.headers['x-ogw-ratelimit-limit'], '10');
  assert.equal(e.response.headers['x-ogw-ratelimit-reset'], '3');
});

test("an API's own error with its documented status", async () => {
  // The page of "获取部门直属用户列表" documents 40004 with HTTP 403 (the mock's rule in
  // mock.toml names the API; the status comes from its entry).
  const e = await rejected(
    client().contact.v3.user.findByDepartment({ params: { department_id: 'od_1' } }),
  );
  assert.equal(e.response.status, 403);
  assert.equal(e.response.data.code, 40004);
  assert.equal(e.response.data.msg, 'no dept authority error');
  assert.match(e.response.headers['x-tt-logid'], LOG_ID);
});

test("an undocumented path is the gateway's 404", async () => {
  const e = await rejected(call(client(), '/open-apis/sdk/no_such_api'));
  assert.equal(e.response.status, 404);
  assert.equal(e.response.data.code, 99991201);
  assert.equal(e.response.data.msg, 'resource not find');
});

test('wrong secret', async () => {
  const e = await rejected(call(client('cli_wrong', 'not_the_secret'), '/open-apis/im/v1/chats'));
  assert.match(e.message, /failed to get tenant_access_token, code: 10015/);
});

test('scope error with permission_violations', async () => {
  const e = await rejected(client().contact.v3.user.get({ path: { user_id: 'ou_1' } }));
  assert.equal(e.response.status, 400);
  const body = e.response.data;
  assert.equal(body.code, 99991672);
  assert.deepEqual(body.error.permission_violations.map((v) => v.subject), ['contact:user.base:readonly']);
  assert.ok(body.error.troubleshooter.includes(e.response.headers['x-tt-logid']));
});
