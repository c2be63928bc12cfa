// Users and tokens written straight into an embedded store: registering thousands of users through argon2id
// would take minutes and measure nothing about signaling.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEmbeddedStore } from '@p2pchat/server';

/** Creates `n` users with a token each in the store at `dataDir`; answers the path of the tokens file. */
export async function seedUsers(dataDir, n) {
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
  return tokensFile;
}
