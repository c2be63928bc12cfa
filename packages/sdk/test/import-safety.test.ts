import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('importing the SDK', () => {
  it('touches no browser global (safe in Node and during server rendering)', () => {
    if (!existsSync(dist)) throw new Error(`${dist} is missing: run "pnpm build" first`);
    // Every browser global throws when read; importing our code and creating a client must read none.
    // socket.io-client is loaded first: its engine feature-detects with \`typeof document\` at load time,
    // which is safe where the global is absent (Node, SSR) but cannot be told apart from a read by a trap.
    const script = `
      await import('socket.io-client');
      for (const name of ['window', 'document', 'localStorage', 'sessionStorage', 'navigator', 'location', 'self', 'RTCPeerConnection', 'XMLHttpRequest', 'WebSocket']) {
        Object.defineProperty(globalThis, name, { get() { throw new Error('touched ' + name); }, configurable: true });
      }
      const sdk = await import(${JSON.stringify(dist)});
      const client = sdk.createClient({ server: 'http://127.0.0.1:1', storage: sdk.memoryStorage() });
      console.log(JSON.stringify({ ok: true, user: client.user, exports: Object.keys(sdk).length }));
    `;
    // Run from the package folder, so its dependencies resolve as they would for a user.
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      cwd,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, user: null });
  });
});
