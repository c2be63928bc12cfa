import { P2PError } from '../errors.js';
import type { PeerSession } from '../rtc/peer-session.js';
import type { Hasher } from './hash.js';
import { newHasher } from './hash.js';
import type { TransferHost } from './transfer.js';
import { FILE_PROTOCOL, FileTransfer } from './transfer.js';

/** Where an accepted file goes: by default Blob parts, or a stream you give (a file on disk in Node). */
export interface AcceptOptions {
  /** Bytes are written here, a checkpoint (1 MiB) at a time; it is closed when the file is complete and
   * aborted if it fails. With a sink, `done` resolves with null. */
  sink?: WritableStream<Uint8Array>;
}

// A media type worth passing on to a Blob: type/subtype of safe characters; anything else is dropped.
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/i;

/** The receiver's side: hashes as bytes come, keeps them to the last checkpoint when a connection drops. */
export class IncomingFile extends FileTransfer {
  /** @internal The sending session (a new one after a drop). */
  session: PeerSession;
  private hasher: Hasher = newHasher();
  private checkpointHasher: Hasher = newHasher();
  private received = 0;
  private lastCut = 0;
  private committed = 0;
  private pending: Uint8Array[] = [];
  private parts: Blob[] = [];
  private writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    id: string,
    session: PeerSession,
    name: string,
    size: number,
    type: string,
    host: TransferHost,
  ) {
    super(id, 'in', session.remoteUserId, name, size, MEDIA_TYPE.test(type) ? type : '', host);
    this.session = session;
  }

  /** Takes the file. Bytes start to flow; `progress` and `state` events follow, then `done`. */
  accept(options: AcceptOptions = {}): void {
    if (this.state !== 'offered')
      throw new P2PError('INVALID_PAYLOAD', `This transfer is ${this.state}, not offered.`, 'peer');
    this.writer = options.sink?.getWriter();
    this.host.send({ t: 'file-ok', id: this.id, offset: 0 });
    this.setState('accepted');
    this.host.started(this);
  }

  /** Refuses the file; the sender is told. */
  decline(): void {
    if (this.state !== 'offered') return;
    this.host.send({ t: 'file-no', id: this.id, why: 'declined' });
    this.end('cancelled', new P2PError('CANCELLED', 'You declined the file.', 'peer'));
  }

  /** @internal The sender opened the transfer's channel. */
  attach(channel: RTCDataChannel): void {
    this.closeChannel();
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (e: MessageEvent) => this.onData(e.data);
    channel.onclose = () => this.interrupted();
    this.setState('sending');
  }

  /** @internal The sender asks to go on after a drop: answer with the last checkpoint this side holds. */
  async resume(session: PeerSession): Promise<void> {
    if (this.settled || this.state === 'offered') return;
    if (this.state === 'accepted') {
      // answered already and waiting for the channel: the same answer again (the sender ignores repeats)
      this.host.send({ t: 'file-ok', id: this.id, offset: this.committed });
      return;
    }
    this.interrupted();
    await this.writing;
    if (this.settled) return;
    this.session = session;
    this.hasher = this.checkpointHasher.clone();
    this.received = this.lastCut = this.bytes = this.committed;
    this.host.send({ t: 'file-ok', id: this.id, offset: this.committed });
    this.setState('accepted');
  }

  /** @internal The channel or connection dropped: what came after the last checkpoint is dropped. */
  interrupted(): void {
    if (this.settled || this.state === 'offered' || this.state === 'paused') return;
    this.closeChannel();
    this.pending = [];
    this.bytes = this.committed;
    this.setState('paused');
  }

  protected override cleanup(state: 'done' | 'cancelled' | 'failed'): void {
    this.pending = [];
    // (the state is still the last one before the end: ask how it ended, not what it was)
    if (state !== 'done') {
      this.parts = [];
      this.writer?.abort().catch(() => undefined);
    }
  }

  private onData(data: unknown): void {
    if (this.settled || this.state !== 'sending') return;
    if (typeof data === 'string') {
      void this.onEnd(data);
      return;
    }
    if (!(data instanceof ArrayBuffer)) return this.protocol('sent data that is not bytes');
    const n = data.byteLength;
    if (n === 0 || n > FILE_PROTOCOL.maxChunk) return this.protocol('sent a chunk of a bad size');
    if (this.received + n > this.size) return this.protocol('sent more than it offered');
    const bytes = new Uint8Array(data);
    this.hasher.update(bytes);
    this.pending.push(bytes);
    this.received += n;
    this.bytes = this.received;
    const cp = FILE_PROTOCOL.checkpoint;
    if (
      Math.floor(this.received / cp) > Math.floor(this.lastCut / cp) ||
      this.received === this.size
    )
      this.commit();
    this.moved();
  }

  // Writes what came since the last checkpoint, then tells the sender it is safe here.
  private commit(): void {
    const chunks = this.pending;
    this.pending = [];
    const at = (this.lastCut = this.received);
    const snapshot = this.hasher.clone();
    this.writing = this.writing.then(async () => {
      if (this.settled) return;
      try {
        if (this.writer) for (const c of chunks) await this.writer.write(c);
        else this.parts.push(new Blob(chunks as Uint8Array<ArrayBuffer>[]));
      } catch (err) {
        this.fail('CONNECTION_FAILED', `Writing the file failed: ${String(err)}`);
        return;
      }
      this.committed = at;
      this.checkpointHasher = snapshot;
      this.host.send({ t: 'file-at', id: this.id, offset: at });
    });
  }

  private async onEnd(text: string): Promise<void> {
    let sha: unknown;
    try {
      sha = (JSON.parse(text) as { t?: unknown; sha256?: unknown }).sha256;
    } catch {
      sha = undefined;
    }
    if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha))
      return this.protocol('sent an end that is not the protocol');
    if (this.received !== this.size) return this.protocol('ended before the size it offered');
    await this.writing;
    if (this.settled) return;
    const ok = (await this.hasher.hex()) === sha;
    if (this.settled) return;
    this.host.send({ t: 'file-done', id: this.id, ok });
    if (!ok) {
      this.end(
        'failed',
        new P2PError(
          'FILE_CORRUPT',
          'The file arrived damaged (its SHA-256 did not match).',
          'peer',
        ),
      );
      return;
    }
    try {
      await this.writer?.close();
    } catch (err) {
      this.fail('CONNECTION_FAILED', `Writing the file failed: ${String(err)}`);
      return;
    }
    const blob = this.writer ? null : new Blob(this.parts, { type: this.type });
    this.parts = [];
    this.end('done', undefined, blob);
  }

  private protocol(what: string): void {
    this.fail('PEER_PROTOCOL', `The sender ${what}; the transfer was stopped.`);
  }
}
