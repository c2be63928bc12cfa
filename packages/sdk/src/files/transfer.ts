import { EventEmitter } from 'eventemitter3';
import { P2PError } from '../errors.js';
import type { P2PErrorCode } from '../errors.js';
import { after } from '../internal/timers.js';
import type { Cancel } from '../internal/timers.js';
import type { Frame, FileStopReason } from '../rtc/frames.js';

/**
 * The life of a file transfer, the same on both sides: `offered` (waiting for the receiver), `accepted`,
 * `sending` (bytes are moving), `paused` (the connection dropped: it goes on from the last checkpoint
 * when the peer is back), then `done`, `cancelled` or `failed`.
 */
export type FileTransferState =
  'offered' | 'accepted' | 'sending' | 'paused' | 'done' | 'cancelled' | 'failed';

/** How far a transfer is. */
export interface FileProgress {
  /** Bytes handed to the connection (sender) or received and checked so far (receiver). */
  bytes: number;
  size: number;
  /** Bytes a second, averaged over the last few seconds. */
  rate: number;
  /** Seconds left at that rate, or null while it is not known. */
  remaining: number | null;
}

/** What a file can be sent from: a `File` or `Blob` (read in slices), or a stream of bytes. */
export type FileSource = Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Events of a {@link FileTransfer}. */
export interface FileTransferEvents {
  /** The transfer moved to another state. */
  state: (state: FileTransferState) => void;
  /** More bytes went or arrived (at most a few times a second). */
  progress: (progress: FileProgress) => void;
}

/** Sizes and times of the transfer protocol. */
export const FILE_PROTOCOL = {
  /** The receiver writes, hashes and confirms (`file-at`) in steps of this many bytes. */
  checkpoint: 1024 * 1024,
  /** The sender never gets further ahead of the last confirmed checkpoint than this. */
  window: 8 * 1024 * 1024,
  /** Chunks are a power of two from 16 KiB up to 256 KiB, within the peer's `maxMessageSize`. */
  minChunk: 16 * 1024,
  maxChunk: 256 * 1024,
  /** The sender pauses while this much is buffered in the channel, and goes on below half of it. */
  highWater: 4 * 1024 * 1024,
} as const;

const PROGRESS_EVERY_MS = 100;

/** What a transfer needs from the client's file manager. */
export interface TransferHost {
  /** Sends a frame to the transfer's peer session (or to every open one of the peer, before binding). */
  send(frame: Frame): void;
  /** The transfer ended one way or another: forget it and free its slot. */
  settled(transfer: FileTransfer): void;
  /** The transfer is accepted and wants its bytes moving (the sender opens a channel when a slot is free). */
  started(transfer: FileTransfer): void;
  /** The transfer was interrupted and waits to go on. */
  paused(transfer: FileTransfer): void;
  stallMs: number;
  resumeMs: number;
}

/**
 * One file going to or coming from a peer. Both sides see the same states; the sender's `done` resolves
 * once the receiver has checked the whole file's SHA-256, the receiver's with the file itself.
 */
export class FileTransfer {
  /** Where the transfer is; `state` events tell each change. */
  state: FileTransferState = 'offered';
  /** Why it failed or was cancelled. */
  error: P2PError | undefined;
  /** Resolves with the file (a Blob, unless the receiver gave a sink) once done; rejects if it is not. */
  readonly done: Promise<Blob | null>;

  /** @internal */ bytes = 0;
  /** @internal */ channel: RTCDataChannel | undefined;
  private readonly emitter = new EventEmitter<FileTransferEvents>();
  private resolve!: (blob: Blob | null) => void;
  private reject!: (err: P2PError) => void;
  private timer: Cancel | undefined;
  private lastProgress = 0;
  private rateSample = { at: Date.now(), bytes: 0, rate: 0 };

  constructor(
    /** The transfer's id, the same on both sides. */
    readonly id: string,
    /** `out` when you send it. */
    readonly direction: 'in' | 'out',
    /** The other user. */
    readonly peerId: string,
    /** The file's name: as given (sending), or made safe to save and show (receiving). */
    readonly name: string,
    /** Its size in bytes. */
    readonly size: number,
    /** Its media type as the sender said (never trusted for anything but a hint). */
    readonly type: string,
    /** @internal */ protected readonly host: TransferHost,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.done.catch(() => undefined); // the state event says it too; an unobserved rejection is fine
  }

  /** Listens to `state` and `progress`. */
  on<E extends keyof FileTransferEvents>(event: E, fn: FileTransferEvents[E]): this {
    this.emitter.on(event, fn as never);
    return this;
  }

  /** Stops listening. */
  off<E extends keyof FileTransferEvents>(event: E, fn: FileTransferEvents[E]): this {
    this.emitter.off(event, fn as never);
    return this;
  }

  /** How far it is now. */
  get progress(): FileProgress {
    const rate = this.rateSample.rate;
    const left = this.size - this.bytes;
    return {
      bytes: this.bytes,
      size: this.size,
      rate,
      remaining: rate > 0 ? left / rate : left === 0 ? 0 : null,
    };
  }

  /** Whether it has ended (done, cancelled or failed). */
  get settled(): boolean {
    return this.state === 'done' || this.state === 'cancelled' || this.state === 'failed';
  }

  /** Cancels it, from either side, at any point before it is done; the peer is told. */
  cancel(): void {
    if (this.settled) return;
    this.host.send({ t: 'file-no', id: this.id, why: 'cancelled' });
    this.end('cancelled', new P2PError('CANCELLED', 'The transfer was cancelled.', 'peer'));
  }

  /** @internal The peer ended it. */
  stoppedByPeer(why: FileStopReason): void {
    if (this.settled) return;
    const [code, text]: [P2PErrorCode, string] =
      why === 'declined'
        ? ['PEER_DECLINED', 'The peer declined the file.']
        : why === 'busy'
          ? ['RATE_LIMITED', 'The peer has too many transfers under way.']
          : why === 'too-large'
            ? ['FILE_TOO_LARGE', 'The file is larger than the peer accepts.']
            : why === 'taken'
              ? ['CANCELLED', 'Another session of yours took the file.']
              : why === 'failed'
                ? ['CONNECTION_FAILED', 'The transfer failed at the peer.']
                : ['CANCELLED', 'The peer cancelled the transfer.'];
    this.end(
      why === 'cancelled' || why === 'taken' || why === 'declined' ? 'cancelled' : 'failed',
      new P2PError(code, text, 'peer'),
    );
  }

  /** @internal Fails it and tells the peer. */
  fail(code: P2PErrorCode, message: string): void {
    if (this.settled) return;
    this.host.send({ t: 'file-no', id: this.id, why: 'failed' });
    this.end('failed', new P2PError(code, message, 'peer'));
  }

  /** @internal */
  protected end(
    state: 'done' | 'cancelled' | 'failed',
    error?: P2PError,
    blob?: Blob | null,
  ): void {
    if (this.settled) return;
    this.error = error;
    this.clearTimer();
    this.closeChannel();
    this.cleanup(state);
    this.setState(state);
    if (state === 'done') {
      this.emitProgress(true);
      this.resolve(blob ?? null);
    } else this.reject(error ?? new P2PError('CANCELLED', 'The transfer ended.', 'peer'));
    this.host.settled(this);
  }

  /** @internal What a side frees when it ends (its sink, its reader), knowing how it ended. */
  protected cleanup(_state: 'done' | 'cancelled' | 'failed'): void {}

  /** @internal */
  protected closeChannel(): void {
    const ch = this.channel;
    this.channel = undefined;
    if (!ch) return;
    ch.onmessage = ch.onclose = ch.onopen = ch.onbufferedamountlow = null;
    try {
      ch.close();
    } catch {
      // closed already
    }
  }

  /** @internal */
  protected setState(state: FileTransferState): void {
    if (this.state === state) return;
    this.state = state;
    if (state === 'paused')
      this.arm(this.host.resumeMs, 'INTERRUPTED', 'The peer did not come back in time.');
    else if (state === 'accepted' || state === 'sending') this.stallWatch();
    this.emitter.emit('state', state);
    if (state === 'paused') this.host.paused(this);
  }

  /** @internal Bytes moved: progress events (at most ten a second) and the stall timer re-armed. */
  protected moved(): void {
    this.stallWatch();
    this.emitProgress(false);
  }

  private emitProgress(force: boolean): void {
    const now = Date.now();
    const s = this.rateSample;
    if (now - s.at >= 500) {
      const instant = ((this.bytes - s.bytes) * 1000) / (now - s.at);
      s.rate = s.rate === 0 ? instant : s.rate * 0.6 + instant * 0.4;
      s.at = now;
      s.bytes = this.bytes;
    }
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.emitter.emit('progress', this.progress);
  }

  private stallWatch(): void {
    this.arm(this.host.stallMs, 'TIMEOUT', 'The transfer made no progress for too long.');
  }

  private arm(ms: number, code: P2PErrorCode, message: string): void {
    this.clearTimer();
    this.timer = after(ms, () => this.fail(code, message));
  }

  /** @internal */
  protected clearTimer(): void {
    this.timer?.();
    this.timer = undefined;
  }
}
