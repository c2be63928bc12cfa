/**
 * `@p2pchat/elements`: drop-in custom elements for peer-to-peer chat. Importing this module registers
 * `<p2p-chat>`, `<p2p-login>`, `<p2p-provider>`, `<p2p-message-list>` and `<p2p-composer>`.
 *
 * @example
 * ```html
 * <script type="module" src="https://cdn.example.com/p2pchat-elements.js"></script>
 * <p2p-chat server="https://chat.example.com"></p2p-chat>
 * ```
 */
export { P2PChatElement } from './p2p-chat.js';
export { P2PLoginElement } from './p2p-login.js';
export { P2PProviderElement } from './p2p-provider.js';
export { P2PComposerElement } from './p2p-composer.js';
export { P2PMessageListElement } from './p2p-message-list.js';
export type {
  ComposerContext,
  P2PFilesEvent,
  P2PSendEvent,
  P2PTypingEvent,
} from './components/composer/composer.component.js';
export type { LoginMode } from './components/login/login.component.js';
export type {
  UiMessage,
  MessageAction,
  MessageListStrings,
  P2PMessageActionEvent,
} from './components/message-list/message-list.component.js';
export type { P2PLoginEvent, P2PRegisterEvent, P2PLogoutEvent } from './events.js';
export { clientContext } from './context.js';
export { defaultStrings, mergeStrings, LANGUAGES, languageOf, loadTranslation } from './i18n.js';
export type { Strings, StringOverrides, Translation } from './i18n.js';
export { safeAvatarUrl } from './internal/avatar.js';
