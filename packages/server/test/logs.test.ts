import { describe, expect, it } from 'vitest';
import { call, newAccount, startTestServer } from './helpers.js';

describe('logs', () => {
  it('never hold passwords, tokens or authorization headers, even at trace level', async () => {
    const server = await startTestServer({ LOG_LEVEL: 'trace' });
    try {
      const account = newAccount('logged');
      const reg = await call(server, 'POST', '/api/register', account);
      const token = reg.body.token as string;
      await call(server, 'POST', '/api/login', {
        email: account.email,
        password: account.password,
      });
      await call(server, 'POST', '/api/login', {
        email: account.email,
        password: 'a-wrong-password-123',
      });
      await call(server, 'GET', '/api/profile', undefined, { token });
      await call(server, 'GET', '/api/profile?token=' + token, undefined, { token });
      await call(server, 'POST', '/api/logout', undefined, { token });
      const logs = server.logs.join('');
      expect(server.logs.length).toBeGreaterThan(5); // the requests were logged
      expect(logs).toContain('"path":"/api/profile"');
      for (const secret of [account.password, 'a-wrong-password-123', token, 'Bearer']) {
        expect(logs).not.toContain(secret);
      }
    } finally {
      await server.stop();
    }
  });
});
