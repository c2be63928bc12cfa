// The @p2pchat reference server (from its build), embedded store, with N users and their tokens written
// straight into the store first (registering 5,000 users through argon2id would take minutes and measure
// nothing we care about here). Prints READY <port> and the path of the tokens file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedUsers } from './seed.mjs';
import { startOurs } from './start-ours.mjs';

const n = Number(process.env.USERS ?? 1000);
const dataDir = mkdtempSync(join(tmpdir(), 'p2pchat-bench-'));
const tokensFile = await seedUsers(dataDir, n);
const server = await startOurs(dataDir);
console.log(`READY ${server.port} ${tokensFile}`);
// Exit cleanly on SIGTERM, so `node --cpu-prof` can write its profile.
process.on('SIGTERM', () => process.exit(0));
