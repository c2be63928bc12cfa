/**
 * `@p2pchat/sdk`: accounts, presence, signaling and peer-to-peer messaging over WebRTC data channels.
 * The wire contract (zod schemas) lives at `@p2pchat/sdk/protocol`.
 *
 * @example
 * ```ts
 * import { createClient } from '@p2pchat/sdk';
 * const client = createClient({ server: 'http://localhost:3000' });
 * await client.login({ email: 'ada@example.com', password: '…' });
 * await client.connect();
 * client.on('message', (m) => console.log(m.from.displayName, m.body));
 * await client.conversation(userId).send('hello');
 * ```
 */
export { createClient, P2PClient } from './client.js';
export type { ClientEvents, ClientOptions, PeerStateChange, Unsubscribe } from './client.js';
export { Conversation, randomId } from './conversation.js';
export type {
  ChatMessage,
  ConversationEvents,
  ConversationState,
  DeliveryStatus,
  MessageStatus,
  SentMessage,
  Sender,
} from './conversation.js';
export type { ConversationRequest } from './rtc/peer-directory.js';
export type { ConnectionPolicy, ReachOptions, StrangerHandling } from './reach/reach-policy.js';
export { localStoragePreferences, memoryPreferences } from './auth/preferences.js';
export type { PreferenceStorage } from './auth/preferences.js';
export { selectedPath } from './rtc/relay.js';
export { memoryMessageStore } from './history/message-store.js';
export { indexedDbMessageStore } from './history/indexeddb-store.js';
export type {
  ConversationSummary,
  HistoryPage,
  MessageStore,
  StoredMessage,
  StoredStatus,
} from './history/message-store.js';
export type { SelectedPath } from './rtc/relay.js';
export { P2PError, ClientErrorCode } from './errors.js';
export type { P2PErrorCode, P2PErrorLayer } from './errors.js';
export { ErrorCode } from './protocol/codes.js';
export { localStorageSession, memoryStorage } from './auth/storage.js';
export type { SessionStorage, StoredSession } from './auth/storage.js';
export type { FetchLike } from './auth/rest.js';
export type { OnlineUser } from './presence/roster.js';
export type { SignalingOptions, SignalingState } from './signaling/signaling.js';
export type {
  PeerCloseReason,
  PeerState,
  RTCPeerConnectionConstructor,
} from './rtc/peer-session.js';
export { MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, FRAME_VERSION } from './rtc/frames.js';
export type {
  FileProgress,
  FileSource,
  FileTransfer,
  FileTransferState,
  FileTransferEvents,
} from './files/transfer.js';
export type { IncomingFile, AcceptOptions } from './files/incoming.js';
export { FILE_LIMITS } from './files/limits.js';
export type { ConnectionSafety } from './trust/connection-safety.js';
export type { CandidateType, ConnectionInfo } from './rtc/connection-info.js';
export { indexedDbCertificates } from './trust/certificate-store.js';
export type { CertificateStore } from './trust/device-certificate.js';
export type { SafetyNumber, SafetyParty } from './trust/safety-number.js';
export type { FileLimits, SendFileOptions } from './files/limits.js';
export { PROTOCOL_VERSION } from './protocol/limits.js';
export type { PrivateUser, PublicUser } from './protocol/users.js';
export type { LoginRequest, ProfileUpdate, RegisterRequest } from './protocol/rest.js';
export type { SessionEndReason, SessionInfo } from './protocol/socket.js';
