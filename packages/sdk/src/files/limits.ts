/** Limits of file transfers (options of `createClient`, under `files`). */
export interface FileLimits {
  /** Largest file sent or accepted, in bytes (default 2 GiB). Larger offers are refused at once. */
  maxFileBytes?: number;
  /** Files being offered or sent at once; more wait their turn (default 4). */
  maxOutgoing?: number;
  /** Files offered to you or coming in at once, from everyone; more are refused as busy (default 16). */
  maxIncoming?: number;
  /** A transfer that moves no byte for this long fails with `TIMEOUT` (ms, default 30 s). */
  stallMs?: number;
  /** A transfer interrupted by a drop waits this long for the peer to come back (ms, default 10 min). */
  resumeMs?: number;
}

/** The defaults of {@link FileLimits}. */
export const FILE_LIMITS: Required<FileLimits> = {
  maxFileBytes: 2 * 1024 ** 3,
  maxOutgoing: 4,
  maxIncoming: 16,
  stallMs: 30_000,
  resumeMs: 10 * 60_000,
};

/** Options of `sendFile`. */
export interface SendFileOptions {
  /** The name the receiver sees (default: the File's own name). */
  name?: string;
  /** The media type (default: the Blob's own). */
  type?: string;
  /** The size in bytes; needed for a stream, taken from a Blob. */
  size?: number;
}
