// The @p2pchat reference server (from its build), embedded store, with N users and their tokens written
// straight into the store first (registering 5,000 users through argon2id would take minutes and measure
// nothing we care about here). Prints READY <port> and the path of the tokens file.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedStore } from '@p2pchat/server';
import { startOurs } from './start-ours.mjs';

const n = Number(process.env.USERS ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-'));
const store = openEmbeddedStore({ dataDir });
const users = [];
const now = new Date();
const later = new Date(Date.now() + 24 * 3600 * 1000);
for (let i = 0; i < n; i++) {
  const id = randomUUID();
  const username = `bench${i}`;
  await store.users.create({
    id,
    username,
    usernameKey: username,
    email: `${username}@bench.test`,
    passwordHash: 'not-a-hash', // nobody logs in with a password here
    displayName: username,
    bio: '',
    status: '',
    avatarUrl: '',
    createdAt: now,
    lastLogin: null,
    isActive: true,
  });
  const token = randomBytes(32).toString('base64url');
  await store.tokens.create({
    tokenHash: createHash('sha256').update(token, 'utf8').digest('hex'),
    userId: id,
    createdAt: now,
    expiresAt: later,
    revokedAt: null,
  });
  users.push({ id, token });
}
await store.close();
const tokensFile = join(dataDir, 'tokens.json');
writeFileSync(tokensFile, JSON.stringify(users));
const server = await startOurs(dataDir);
console.log(`READY ${server.port} ${tokensFile}`);
// Exit cleanly on SIGTERM, so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
