/// <reference types="mocha" />
import type { ClientEvents, P2PClient, P2PError } from '../../src/index.js';
import type * as SdkModule from '../../src/index.js';

// The SDK as an app ships it: bundled with its dependencies (see web-test-runner.config.mjs).
type Sdk = typeof SdkModule;
const sdkUrl = '/p2pchat-sdk.js';
export const { createClient, memoryStorage, indexedDbCertificates } = (await import(
  /* @vite-ignore */ sdkUrl
)) as Sdk;

export let serverUrl = '';
let n = 0;
export const clients: P2PClient[] = [];

before(async () => {
  serverUrl = ((await (await fetch('/p2pchat-server.json')).json()) as { url: string }).url;
});
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

// A client using this browser's own RTCPeerConnection.
export async function online(prefix: string, storage = memoryStorage()) {
  n += 1;
  const tag = `${prefix}${Date.now() % 100000}_${n}`;
  const account = { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-long` };
  const client = createClient({ server: serverUrl, storage, reach: { policy: 'anyone' } });
  clients.push(client);
  const user = await client.register(account);
  await client.connect();
  const errors: P2PError[] = [];
  client.on('error', (e) => errors.push(e));
  return { client, user, account, errors };
}

export function next<E extends keyof ClientEvents>(
  c: P2PClient,
  event: E,
  pred: (...a: ClientEvents[E]) => boolean = () => true,
) {
  return new Promise<ClientEvents[E]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${String(event)}`)), 15000);
    const off = c.on(event, (...args: ClientEvents[E]) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    });
  });
}
export async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
