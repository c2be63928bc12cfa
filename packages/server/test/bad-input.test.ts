import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './helpers.js';
import { call, newAccount, registered, startTestServer } from './helpers.js';

let server: TestServer;
let token: string;
beforeAll(async () => {
  server = await startTestServer();
  token = (await registered(server)).token;
});
afterAll(async () => {
  await server.stop();
});

const valid = () => newAccount('bad');
const long = (n: number) => 'x'.repeat(n);

// [name, body] pairs; every one must be answered 400 INVALID_PAYLOAD.
const REGISTER_CASES: [string, unknown][] = [
  ['operator object as email', { ...valid(), email: { $ne: null } }],
  ['operator object as username', { ...valid(), username: { $gt: '' } }],
  ['operator object as password', { ...valid(), password: { $ne: 'x' } }],
  ['array as username', { ...valid(), username: ['a', 'b', 'c'] }],
  ['number as email', { ...valid(), email: 12345 }],
  ['null password', { ...valid(), password: null }],
  ['boolean displayName', { ...valid(), displayName: true }],
  ['missing username', { email: 'a@b.test', password: 'password123' }],
  ['missing email', { username: 'abcdef', password: 'password123' }],
  ['missing password', { username: 'abcdef', email: 'a@b.test' }],
  ['empty object', {}],
  ['a JSON array', [valid()]],
  ['username too short', { ...valid(), username: 'ab' }],
  ['username too long', { ...valid(), username: long(33) }],
  ['username with a space', { ...valid(), username: 'ada lovelace' }],
  ['username with markup', { ...valid(), username: '<script>' }],
  ['username with a doubled separator', { ...valid(), username: 'ada..l' }],
  ['username with a leading dot', { ...valid(), username: '.ada' }],
  ['email not an address', { ...valid(), email: 'not-an-email' }],
  ['email too long', { ...valid(), email: `${long(250)}@b.test` }],
  ['password too short', { ...valid(), password: 'short' }],
  ['password too long', { ...valid(), password: long(129) }],
  ['displayName too long', { ...valid(), displayName: long(65) }],
  ['displayName of spaces', { ...valid(), displayName: '   ' }],
  ['displayName with a control character', { ...valid(), displayName: 'a\u0007b' }],
];

const LOGIN_CASES: [string, unknown][] = [
  ['operator object as email', { email: { $ne: null }, password: 'password123' }],
  ['operator object as password', { email: 'a@b.test', password: { $ne: null } }],
  ['regex object as username', { username: { $regex: '.*' }, password: 'password123' }],
  ['neither email nor username', { password: 'password123' }],
  ['both email and username', { email: 'a@b.test', username: 'abc', password: 'password123' }],
  ['remember as a string', { email: 'a@b.test', password: 'password123', remember: 'yes' }],
  ['password too long', { email: 'a@b.test', password: long(129) }],
];

const PROFILE_CASES: [string, unknown][] = [
  ['javascript: avatar', { avatarUrl: 'javascript:alert(1)' }],
  ['data: avatar', { avatarUrl: 'data:image/png;base64,AAAA' }],
  ['http: avatar', { avatarUrl: 'http://example.test/a.png' }],
  ['avatar that is not a URL', { avatarUrl: 'not a url' }],
  ['avatar too long', { avatarUrl: `https://example.test/${long(2040)}` }],
  ['bio too long', { bio: long(501) }],
  ['status too long', { status: long(81) }],
  ['status across lines', { status: 'a\nb' }],
  ['operator object as status', { status: { $set: 'x' } }],
  ['number as displayName', { displayName: 42 }],
];

function expectInvalid(res: Awaited<ReturnType<typeof call>>) {
  expect(res.status).toBe(400);
  expect(res.body.error?.code).toBe('INVALID_PAYLOAD');
  expect(res.body).not.toHaveProperty('token');
}

describe('bad input', () => {
  it.each(REGISTER_CASES)('register refuses %s with 400 INVALID_PAYLOAD', async (_name, body) => {
    expectInvalid(await call(server, 'POST', '/api/register', body));
  });

  it.each(LOGIN_CASES)('login refuses %s with 400 INVALID_PAYLOAD', async (_name, body) => {
    expectInvalid(await call(server, 'POST', '/api/login', body));
  });

  it.each(PROFILE_CASES)(
    'profile update refuses %s with 400 INVALID_PAYLOAD',
    async (_name, body) => {
      expectInvalid(await call(server, 'PATCH', '/api/profile', body, { token }));
    },
  );

  it('says which field is wrong, without echoing the value', async () => {
    const res = await call(server, 'POST', '/api/register', { ...valid(), password: 'secret1' });
    expect(res.body.error?.issues).toEqual([
      { path: 'password', message: 'must be at least 8 characters' },
    ]);
    expect(res.text).not.toContain('secret1');
  });

  it.each([
    ['truncated JSON', '{"email": "a@b.test", "password": ', 'application/json'],
    ['a JSON string', '"hello"', 'application/json'],
    ['no body at all', '', 'application/json'],
    ['an unsupported charset', '{"a":1}', 'application/json; charset=utf-7'],
  ])('answers %s with 400 INVALID_PAYLOAD', async (_name, body, type) => {
    const res = await call(server, 'POST', '/api/login', body, {
      headers: { 'content-type': type },
    });
    expectInvalid(res);
  });

  it.each([
    ['a form body', 'email=a%40b.test&password=password123', 'application/x-www-form-urlencoded'],
    ['plain text', '{"email":"a@b.test","password":"password123"}', 'text/plain'],
    ['multipart', '--x\r\n\r\n{}\r\n--x--', 'multipart/form-data; boundary=x'],
    ['JSON with no type at all', '{"email":"a@b.test","password":"password123"}', ''],
    ['a JSON look-alike type', '{"email":"a@b.test","password":"password123"}', 'text/json'],
  ])(
    'answers %s with 415 UNSUPPORTED_MEDIA_TYPE, before reading it, and closes the connection',
    async (_name, body, type) => {
      const res = await call(server, 'POST', '/api/login', body, {
        headers: type ? { 'content-type': type } : { 'content-type': '' },
      });
      expect(res.status).toBe(415);
      expect(res.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(res.headers.get('connection')).toBe('close');
    },
  );

  it.each(['application/json', 'text/plain'])(
    'answers a 1 MB %s body with 413 PAYLOAD_TOO_LARGE',
    async (type) => {
      const body = JSON.stringify({ ...valid(), displayName: long(1024 * 1024) });
      const res = await call(server, 'POST', '/api/register', body, {
        headers: { 'content-type': type },
      });
      expect(res.status).toBe(413);
      expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    },
  );

  it('drops unknown fields: nobody can set their own id, e-mail or password hash', async () => {
    const account = valid();
    const res = await call(server, 'POST', '/api/register', {
      ...account,
      id: 'chosen-id',
      isActive: false,
      passwordHash: 'x',
      __proto__: { admin: true },
    });
    expect(res.status).toBe(201);
    expect((res.body.user as { id: string }).id).not.toBe('chosen-id');
    const login = await call(server, 'POST', '/api/login', {
      email: account.email,
      password: account.password,
    });
    expect(login.status).toBe(200);
    const patched = await call(
      server,
      'PATCH',
      '/api/profile',
      { email: 'new@example.test', username: 'x' },
      { token: login.body.token as string },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.user).toMatchObject({ email: account.email, username: account.username });
  });

  it('never answers 5xx to any of these cases', async () => {
    // A sweep of every table again, concurrently, to catch a crash that only shows under load.
    const replies = await Promise.all([
      ...REGISTER_CASES.map(([, b]) => call(server, 'POST', '/api/register', b)),
      ...LOGIN_CASES.map(([, b]) => call(server, 'POST', '/api/login', b)),
      ...PROFILE_CASES.map(([, b]) => call(server, 'PATCH', '/api/profile', b, { token })),
    ]);
    expect(replies.filter((r) => r.status >= 500)).toEqual([]);
    expect((await call(server, 'GET', '/readyz')).status).toBe(200);
  });

  it('answers 404 NOT_FOUND as JSON for an unknown path', async () => {
    const res = await call(server, 'GET', '/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});

describe('bodies that would make the server read on', () => {
  /** Sends raw bytes and collects what comes back until the server closes the connection. */
  async function raw(head: string, body: string, waitMs: number) {
    const { connect } = await import('node:net');
    const u = new URL(server.url);
    const sock = connect(Number(u.port), u.hostname);
    await new Promise((r) => sock.once('connect', r));
    const t0 = Date.now();
    let reply = '';
    sock.on('data', (d: Buffer) => (reply += d.toString()));
    sock.write(head + body);
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), waitMs);
      sock.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    sock.destroy();
    return { reply, closed, ms: Date.now() - t0 };
  }
  const post = (length: number | 'chunked', type = 'application/json') =>
    `POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\n${length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\n\r\n`;

  it.each([
    ['a declared 10 MB JSON body', post(10 * 1024 * 1024), '{"email":', '413'],
    ['a declared 10 MB text body', post(10 * 1024 * 1024, 'text/plain'), 'hello', '413'],
    [
      'a chunked body past the limit',
      post('chunked'),
      `4000\r\n${'x'.repeat(0x4000)}\r\n4000\r\n${'x'.repeat(0x4000)}\r\n`,
      '413',
    ],
    [
      'a form body of a declared 1 KB',
      post(1024, 'application/x-www-form-urlencoded'),
      'a=b',
      '415',
    ],
  ])('refuses %s at once and closes the connection', async (_name, head, body, status) => {
    const { reply, closed, ms } = await raw(head, body, 5000);
    expect(reply).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(closed).toBe(true);
    expect(ms).toBeLessThan(5000);
  });

  it('closes a connection whose body never ends, with 408 REQUEST_TIMEOUT, after 10 s', async () => {
    const { reply, closed } = await raw(post(1000), '{"email":', 20_000);
    expect(reply).toMatch(/^HTTP\/1.1 408 /);
    expect(reply).toContain('REQUEST_TIMEOUT');
    expect(closed).toBe(true);
  }, 30_000);
});
