/**
 * @p2pchat/sdk. This release carries the wire contract; the client (`createClient`) follows.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION, ErrorCode } from '@p2pchat/sdk';
 * ```
 */
export * from './protocol/index.js';
