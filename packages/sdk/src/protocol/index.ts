/**
 * The `@p2pchat` wire contract (protocol v1): zod schemas with their inferred types for every REST body,
 * Socket.IO event and error, shared by the server and the SDK.
 *
 * @example
 * ```ts
 * import { RegisterRequestSchema } from '@p2pchat/sdk/protocol';
 * const parsed = RegisterRequestSchema.safeParse(body);
 * ```
 */
export * from './limits.js';
export * from './errors.js';
export * from './fields.js';
export * from './users.js';
export * from './rest.js';
export * from './socket.js';
export * from './token-bucket.js';
export * from './signal-check.js';
