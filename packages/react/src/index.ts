/**
 * `@p2pchat/react`: the `@p2pchat` elements as React components (`P2PChat`, `P2PLogin`, `P2PProvider`,
 * `P2PMessageList`, `P2PComposer`) and hooks over the SDK (`useP2PClient`, `usePresence`, `useUser`,
 * `useConnectionState`, `useConversation`, `useTransfers`). Safe under Strict Mode and on a server.
 *
 * @example
 * ```tsx
 * import { P2PChat } from '@p2pchat/react';
 * export const Chat = () => <P2PChat server="https://chat.example.com" />;
 * ```
 */
export { P2PChat, P2PComposer, P2PLogin, P2PMessageList, P2PProvider } from './components.js';
export {
  P2PClientProvider,
  useConnectionState,
  useConversation,
  useP2PClient,
  usePresence,
  useTransfers,
  useUser,
} from './hooks.js';
export type { ConversationView, TransfersView } from './hooks.js';
// The SDK's names that the hooks answer with, so an app on this package alone has them too.
export { P2PError } from '@p2pchat/sdk';
export type {
  ClientOptions,
  ConversationState,
  FileProgress,
  FileTransfer,
  FileTransferState,
  IncomingFile,
  OnlineUser,
  P2PClient,
  P2PErrorCode,
  PrivateUser,
  SentMessage,
  SignalingState,
  StoredMessage,
} from '@p2pchat/sdk';
