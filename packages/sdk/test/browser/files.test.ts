/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { FileTransfer, FileTransferState, IncomingFile, P2PClient } from '../../src/index.js';
import { next, online, until } from './helpers.js';

const MiB = 1024 * 1024;

// A file of `mib` MiB whose every MiB starts with its own number, so a block out of place shows.
function numbered(mib: number): Blob {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let i = 0; i < mib; i++) {
    const block = new Uint8Array(MiB);
    new DataView(block.buffer).setUint32(0, i);
    block.fill(i % 251, 4);
    parts.push(block);
  }
  return new Blob(parts);
}
async function blockNumber(blob: Blob, i: number): Promise<number> {
  return new DataView(await blob.slice(i * MiB, i * MiB + 4).arrayBuffer()).getUint32(0);
}

async function pair() {
  const ada = await online('fada');
  const bob = await online('fbob');
  await until(() => ada.client.users.some((u) => u.id === bob.user.id), 'presence');
  return { ada, bob };
}
const states = (t: FileTransfer) => {
  const seen: FileTransferState[] = [t.state];
  t.on('state', (s) => seen.push(s));
  return seen;
};
const offerAt = (c: P2PClient) => next(c, 'file').then(([t]) => t as IncomingFile);
function sessionsOf(c: P2PClient) {
  return [
    ...(
      c as unknown as {
        directory: {
          peers: Set<{
            remoteUserId: string;
            state: string;
            channel: RTCDataChannel;
            pc: RTCPeerConnection;
            close(r: string): void;
          }>;
        };
      }
    ).directory.peers,
  ];
}

describe('files in Chromium', () => {
  it('moves 200 MB with the hash checked, in order, and reports memory', async () => {
    const { ada, bob } = await pair();
    const file = numbered(200);
    const offered = offerAt(bob.client);
    const started = performance.now();
    const out = await ada.client.conversation(bob.user.id).sendFile(file, { name: 'big.bin' });
    const incoming = await offered;
    const memory = () =>
      (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ??
      0;
    let peak = memory();
    const heap0 = peak;
    incoming.on('progress', () => (peak = Math.max(peak, memory())));
    incoming.accept();
    const blob = (await incoming.done) as Blob;
    await out.done;
    const seconds = (performance.now() - started) / 1000;
    expect(blob.size).to.equal(file.size);
    for (const i of [0, 1, 99, 150, 199]) expect(await blockNumber(blob, i)).to.equal(i);
    console.log(
      `[files] Chromium: 200 MiB in ${seconds.toFixed(1)} s (${(200 / seconds).toFixed(0)} MiB/s); ` +
        `JS heap peak ${(peak / MiB).toFixed(0)} MiB (${((peak - heap0) / MiB).toFixed(0)} over the start)`,
    );
  });

  it('goes on after the connection breaks, and cancels from either side', async () => {
    const { ada, bob } = await pair();
    const chat = ada.client.conversation(bob.user.id);
    let offered = offerAt(bob.client);
    const resumed = await chat.sendFile(numbered(40), { name: 'r.bin' });
    const seen = states(resumed);
    let incoming = await offered;
    incoming.accept();
    await until(() => incoming.progress.bytes >= 8 * MiB, 'bytes across');
    for (const p of sessionsOf(ada.client))
      if (p.remoteUserId === bob.user.id) p.close('connection failed');
    const blob = (await incoming.done) as Blob;
    await resumed.done;
    expect(seen).to.include('paused');
    expect(blob.size).to.equal(40 * MiB);
    for (const i of [0, 10, 39]) expect(await blockNumber(blob, i)).to.equal(i);
    // cancelled by the receiver, then by the sender
    for (const side of ['receiver', 'sender'] as const) {
      offered = offerAt(bob.client);
      const t = await chat.sendFile(numbered(64), { name: `${side}.bin` });
      incoming = await offered;
      incoming.accept();
      await until(() => incoming.progress.bytes > 0, 'bytes flowing');
      (side === 'receiver' ? incoming : t).cancel();
      let code = '';
      await (side === 'receiver' ? t : incoming).done.catch(
        (e: { code: string }) => (code = e.code),
      );
      expect(code).to.equal('CANCELLED');
    }
  });

  it('sends many small files at once, and refuses a bogus one', async () => {
    const { ada, bob } = await pair();
    const got = new Map<string, Promise<Blob | null>>();
    bob.client.on('file', (t) => {
      t.accept();
      got.set(t.name, t.done);
    });
    const chat = ada.client.conversation(bob.user.id);
    const texts = Array.from({ length: 10 }, (_, i) => `file number ${i} `.repeat(100 * (i + 1)));
    const sent = await Promise.all(
      texts.map((x, i) => chat.sendFile(new Blob([x]), { name: `s${i}.txt` })),
    );
    await Promise.all(sent.map((t) => t.done));
    for (const [i, x] of texts.entries())
      expect(await ((await got.get(`s${i}.txt`)) as Blob).text()).to.equal(x);
    // a hostile sender: the right size, a wrong hash
    const session = sessionsOf(ada.client).find(
      (p) => p.remoteUserId === bob.user.id && p.state === 'open',
    );
    if (!session) throw new Error('no open connection');
    session.channel.send(
      JSON.stringify({ t: 'file', id: 'bogus', name: 'bogus.bin', size: 10, mime: '' }),
    );
    await until(() => got.has('bogus.bin'), 'the bogus offer');
    const ch = session.pc.createDataChannel('file:bogus', { ordered: true });
    await new Promise((r) => (ch.onopen = r));
    ch.send(new Uint8Array(10));
    ch.send(JSON.stringify({ t: 'end', sha256: 'f'.repeat(64) }));
    let code = '';
    await (got.get('bogus.bin') as Promise<Blob | null>).catch(
      (e: { code: string }) => (code = e.code),
    );
    expect(code).to.equal('FILE_CORRUPT');
  });
});
