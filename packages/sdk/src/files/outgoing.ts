import type { PeerSession } from '../rtc/peer-session.js';
import type { Hasher } from './hash.js';
import { newHasher } from './hash.js';
import type { FileSource, TransferHost } from './transfer.js';
import { FILE_PROTOCOL, FileTransfer } from './transfer.js';

/** The sender's side: reads the source forward once, keeps what the receiver has not confirmed. */
export class OutgoingFile extends FileTransfer {
  /** @internal The receiving session, once one accepted. */
  session: PeerSession | undefined;
  private readonly reader: ByteReader;
  private hasher: Hasher = newHasher();
  // Hash states at the checkpoints the receiver has not confirmed yet, so a resume can start from one.
  private readonly checkpoints = new Map<number, Hasher>([[0, newHasher()]]);
  // Bytes sent since the last confirmed checkpoint (at most the window), to send again after a drop.
  private replay: Uint8Array[] = [];
  private replayStart = 0;
  private sendPos = 0;
  private acked = 0;
  private digest: string | undefined;
  private pumping = 0;
  private wake: (() => void) | undefined;

  constructor(
    id: string,
    peerId: string,
    name: string,
    size: number,
    type: string,
    source: FileSource,
    host: TransferHost,
  ) {
    super(id, 'out', peerId, name, size, type, host);
    this.reader = new ByteReader(source);
  }

  /** @internal The receiver took it (or asks to go on from `offset` after a drop). */
  accepted(session: PeerSession, offset: number): boolean {
    if (this.settled) return false;
    const from = this.checkpoints.get(offset);
    if (!from || offset < this.replayStart || offset > this.replayEnd) {
      this.fail('PEER_PROTOCOL', 'The peer asked to resume from a point this side cannot.');
      return false;
    }
    this.pumping += 1; // a loop still sending on the old channel stops before it touches the state
    this.closeChannel();
    this.session = session;
    this.hasher = from.clone();
    // asking to go on from `offset` confirms the receiver holds everything before it
    if (offset > this.acked) this.confirmed(offset);
    this.dropReplayBefore(offset);
    this.sendPos = offset;
    this.bytes = offset;
    this.setState('accepted');
    this.host.started(this);
    return true;
  }

  /** @internal Opens the transfer's own channel on the receiving session's connection, and sends. */
  open(): void {
    const session = this.session;
    if (!session || this.settled || this.state !== 'accepted') return;
    let channel: RTCDataChannel;
    try {
      channel = session.pc.createDataChannel(`file:${this.id}`, { ordered: true });
    } catch {
      this.interrupted();
      return;
    }
    this.channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = FILE_PROTOCOL.highWater / 2;
    channel.onbufferedamountlow = () => this.wakeUp();
    channel.onclose = () => this.interrupted();
    channel.onopen = () => {
      this.setState('sending');
      void this.pump(channel, chunkSize(session.pc)).catch((err: unknown) =>
        this.fail('CONNECTION_FAILED', `Reading the file failed: ${String(err)}`),
      );
    };
  }

  /** @internal The receiver confirms it holds everything up to `offset`. */
  confirmed(offset: number): void {
    if (offset <= this.acked || offset > this.sendPos) return;
    this.acked = offset;
    for (const at of this.checkpoints.keys()) if (at < offset) this.checkpoints.delete(at);
    this.dropReplayBefore(offset);
    this.wakeUp();
  }

  /** @internal The receiver has the whole file; `ok` says whether the hash matched. */
  finished(ok: boolean): void {
    if (this.settled) return;
    if (ok && this.sendPos === this.size) {
      this.bytes = this.size;
      this.end('done');
    } else this.fail('FILE_CORRUPT', 'The file arrived damaged (its SHA-256 did not match).');
  }

  /** @internal The channel or the connection dropped: wait for the peer, to go on from a checkpoint. */
  interrupted(): void {
    if (this.settled || this.state === 'offered' || this.state === 'paused') return;
    this.pumping += 1; // any loop under way stops
    this.closeChannel();
    this.bytes = this.acked;
    this.setState('paused');
  }

  protected override cleanup(): void {
    this.pumping += 1;
    this.replay = [];
    this.checkpoints.clear();
    void this.reader.cancel();
  }

  private get replayEnd(): number {
    return this.replayStart + this.replay.reduce((n, c) => n + c.byteLength, 0);
  }

  private dropReplayBefore(offset: number): void {
    for (let first = this.replay[0]; first; first = this.replay[0]) {
      if (this.replayStart + first.byteLength > offset) return;
      this.replay.shift();
      this.replayStart += first.byteLength;
    }
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async pump(channel: RTCDataChannel, chunk: number): Promise<void> {
    const run = ++this.pumping;
    const live = () =>
      run === this.pumping &&
      this.channel === channel &&
      channel.readyState === 'open' &&
      !this.settled;
    while (live()) {
      if (this.sendPos >= this.size) {
        this.digest ??= await this.hasher.clone().hex();
        if (!live()) return;
        try {
          channel.send(JSON.stringify({ t: 'end', sha256: this.digest }));
        } catch {
          this.interrupted();
        }
        return; // `file-done` settles it
      }
      if (
        channel.bufferedAmount > FILE_PROTOCOL.highWater ||
        this.sendPos - this.acked >= FILE_PROTOCOL.window
      ) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          // bufferedamountlow may never come for a small buffer: look again shortly
          setTimeout(resolve, 50);
        });
        continue;
      }
      // Chunks never cross a checkpoint, so both sides hash to exactly the same offsets.
      const nextCheckpoint =
        (Math.floor(this.sendPos / FILE_PROTOCOL.checkpoint) + 1) * FILE_PROTOCOL.checkpoint;
      const n = Math.min(chunk, nextCheckpoint - this.sendPos, this.size - this.sendPos);
      const bytes = await this.bytesAt(this.sendPos, n);
      if (!live()) return;
      if (!bytes) {
        this.fail('INVALID_PAYLOAD', 'The file ended before its stated size.');
        return;
      }
      try {
        channel.send(bytes as Uint8Array<ArrayBuffer>);
      } catch {
        // the channel is closing under us (the peer cancelled, or the path went): not the file's fault
        this.interrupted();
        return;
      }
      this.hasher.update(bytes);
      this.sendPos += bytes.byteLength;
      if (this.sendPos % FILE_PROTOCOL.checkpoint === 0 || this.sendPos === this.size)
        this.checkpoints.set(this.sendPos, this.hasher.clone());
      this.bytes = Math.max(this.acked, this.sendPos - channel.bufferedAmount);
      this.moved();
    }
  }

  // Up to `n` bytes at `offset`: again what was sent before a drop (one chunk of it), or `n` read on from
  // the source; null when the source ends short of its stated size.
  private async bytesAt(offset: number, n: number): Promise<Uint8Array | null> {
    let at = this.replayStart;
    for (const c of this.replay) {
      if (offset < at + c.byteLength) return c.subarray(offset - at, offset - at + n);
      at += c.byteLength;
    }
    const bytes = await this.reader.read(n);
    if (bytes.byteLength !== n) return null;
    this.replay.push(bytes);
    return bytes;
  }
}

// The largest power of two from 16 KiB to 256 KiB that the peer's SCTP transport takes in one message.
function chunkSize(pc: RTCPeerConnection): number {
  const max = Number(pc.sctp?.maxMessageSize) || FILE_PROTOCOL.minChunk;
  let size = FILE_PROTOCOL.minChunk;
  while (size * 2 <= Math.min(max, FILE_PROTOCOL.maxChunk)) size *= 2;
  return size;
}

/** Reads a Blob (in 1 MiB slices) or a byte stream forward, `n` bytes at a time. */
class ByteReader {
  private pos = 0;
  private held: Uint8Array | undefined;
  private iterator: AsyncIterator<Uint8Array> | undefined;

  constructor(private readonly source: FileSource) {}

  async read(n: number): Promise<Uint8Array> {
    if (!this.held || this.held.byteLength === 0) this.held = await this.piece();
    if (!this.held) return new Uint8Array(0);
    if (this.held.byteLength >= n) {
      // the common case: a view of what was read, no copy
      const bytes = this.held.subarray(0, n);
      this.held = this.held.subarray(n);
      return bytes;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      if (!this.held || this.held.byteLength === 0) {
        this.held = await this.piece();
        if (!this.held) break;
      }
      const take = Math.min(n - filled, this.held.byteLength);
      out.set(this.held.subarray(0, take), filled);
      this.held = this.held.subarray(take);
      filled += take;
    }
    return filled === n ? out : out.subarray(0, filled);
  }

  async cancel(): Promise<void> {
    await this.iterator?.return?.().catch(() => undefined);
  }

  private async piece(): Promise<Uint8Array | undefined> {
    if (typeof Blob !== 'undefined' && this.source instanceof Blob) {
      if (this.pos >= this.source.size) return undefined;
      const end = Math.min(this.source.size, this.pos + FILE_PROTOCOL.checkpoint);
      const bytes = new Uint8Array(await this.source.slice(this.pos, end).arrayBuffer());
      this.pos = end;
      return bytes;
    }
    this.iterator ??= iterate(
      this.source as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    );
    const next = await this.iterator.next();
    if (next.done) return undefined;
    const v = next.value as unknown;
    if (!(v instanceof Uint8Array))
      throw new TypeError('a file stream must yield Uint8Array chunks');
    return v;
  }
}

function iterate(
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncIterator<Uint8Array> {
  if (Symbol.asyncIterator in source)
    return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const reader = (source as ReadableStream<Uint8Array>).getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel().catch(() => undefined);
      return { done: true, value: undefined };
    },
  };
}
