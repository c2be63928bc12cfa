/**
 * Every string the elements show, in English. Replace any of them with the `strings` property
 * (`el.strings = { send: 'Envoyer' }`); `{name}`-style placeholders are filled in.
 */
export const defaultStrings = {
  loginTab: 'Log in',
  registerTab: 'Register',
  authTabs: 'Log in or register',
  emailOrUsername: 'E-mail or username',
  email: 'E-mail',
  username: 'Username',
  password: 'Password',
  displayName: 'Display name (optional)',
  remember: 'Keep me logged in',
  submitLogin: 'Log in',
  submitRegister: 'Create account',
  working: 'Please wait…',
  required: 'Please fill this in.',
  usernameRule: '3 to 32 letters, digits or _, with single . or - between them.',
  emailRule: 'Please enter an e-mail address.',
  passwordRule: 'At least 8 characters.',
  onlineUsers: 'Online',
  noUsers: 'Nobody else is online yet.',
  startChat: 'Chat with {name}',
  unread: '{count} unread',
  conversations: 'Conversations',
  chooseSomeone: 'Choose someone to chat with.',
  messagesWith: 'Messages with {name}',
  messageTo: 'Message to {name}',
  messagePlaceholder: 'Write a message… (Enter sends, Shift+Enter for a new line)',
  send: 'Send',
  typing: '{name} is typing…',
  sending: 'Sending…',
  delivered: 'Delivered',
  notDelivered: 'Not delivered',
  read: 'Seen',
  edited: 'edited',
  deletedMessage: 'This message was deleted.',
  olderMessages: 'Older messages',
  peerOffline: '{name} went offline.',
  peerOnline: '{name} is online.',
  back: 'Back to the list',
  logout: 'Log out',
  editProfile: 'Edit profile',
  save: 'Save',
  cancel: 'Cancel',
  status: 'Status',
  bio: 'About you',
  avatarUrl: 'Picture URL (https)',
  signedInAs: 'Signed in as {name}',
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
  requestsHeading: 'Conversation requests',
  wantsToChat: '{name} wants to chat with you',
  accept: 'Accept',
  decline: 'Decline',
  waitingForAccept: 'Waiting for {name} to accept…',
  pathReconnecting: 'Connection lost. Reconnecting…',
  pathOpen: 'Connected directly',
  relayOnlyOn: 'Private mode: your address is hidden behind a relay',
  loading: 'Loading…',
  offline: 'offline',
  you: 'You',
  searchMessages: 'Search messages',
  searchResults: '{count} messages found',
  noResults: 'No messages found.',
  actions: 'Message actions',
  reply: 'Reply',
  react: 'React',
  reactWith: 'React with {emoji}',
  edit: 'Edit',
  delete: 'Delete',
  deleteConfirm: 'Delete this message for everyone?',
  keep: 'Keep',
  replyingTo: 'Replying to {name}: {text}',
  editingMessage: 'Editing your message',
  cancelReply: 'Cancel the reply',
  cancelEdit: 'Cancel the edit',
  enableNotifications: 'Turn on notifications',
  newMessageFrom: 'New message from {name}',
  attachFile: 'Attach a file',
  files: 'Files',
  offersFile: '{name} offers a file: {file} ({size})',
  acceptFile: 'Accept',
  declineFile: 'Decline',
  waitingForFile: 'Waiting for them to accept',
  receivingFile: 'Receiving {file}',
  sendingFile: 'Sending {file}',
  filePercent: '{percent}%',
  filePercentOf: '{file}: {percent}%',
  filePaused: 'Connection lost; it goes on when it is back',
  downloadFile: 'Download',
  fileSaved: 'Saved',
  fileSent: 'Sent',
  fileCancelled: 'Cancelled',
  fileDeclined: 'They declined it',
  fileDoneAnnounce: '{file}: done',
  safetyNumber: 'Safety number',
  safetyNumberHelp:
    'Compare these digits with {name}, side by side or read aloud. The same on both screens means nobody is in between.',
  safetyDevice: 'Device {n}',
  safetyMismatch: 'This connection used another key than the server passed on.',
  markVerified: 'Mark as verified',
  verifiedBadge: 'Verified: you compared the safety number.',
  showSafetyNumber: 'Show the safety number',
  keyChanged:
    "{name}'s security key changed: a new device, or someone in between. Compare the safety number again before you send anything.",
  sendAnyway: 'Send anyway',
  connectionPanel: 'Connection',
  showConnection: 'Connection details',
  routeDirect:
    "Direct: your messages go straight from this device to {name}'s, not through any server.",
  routeRelay:
    "Through a relay server: {name}'s device could not be reached directly. The relay passes on encrypted data it cannot read.",
  roundTrip: 'Round trip',
  milliseconds: '{ms} ms',
  yourSide: 'Your side',
  theirSide: "{name}'s side",
  transport: 'Transport',
  bytesSoFar: 'Data so far',
  sentReceived: '{sent} sent, {received} received',
  candidateHost: 'an address on its own network',
  candidateSrflx: 'its public Internet address',
  candidatePrflx: 'an address found while connecting',
  candidateRelay: "a relay server's address",
  notReported: 'not reported',
  noConnection: 'No connection to {name} is open right now. One opens when you send a message.',
  errors: {
    INVALID_CREDENTIALS: 'That e-mail, username or password is not right.',
    CONFLICT: 'That username or e-mail address is already taken.',
    RATE_LIMITED: 'Too many attempts. Please wait a little and try again.',
    ACCOUNT_DISABLED: 'This account has been deactivated.',
    INVALID_PAYLOAD: 'Please check what you entered.',
    NETWORK: 'Cannot reach the chat server. Check your connection.',
    UNAUTHENTICATED: 'Your session has ended. Please log in again.',
    PEER_UNAVAILABLE: 'That person is not online any more.',
    CONNECTION_FAILED: 'Could not connect to that person.',
    TIMEOUT: 'No answer in time. The message may not have arrived.',
    MESSAGE_TOO_LARGE: 'That message is too long.',
    TOO_MANY_SESSIONS: 'Too many open tabs or devices. Close one and try again.',
    UNAVAILABLE: 'The server is restarting. Trying again…',
    RELAY_FAILED: 'Could not connect through the relay server (private mode).',
    PEER_DECLINED: 'That person declined the conversation.',
    CANCELLED: 'The message was cancelled.',
    FILE_TOO_LARGE: 'That file is too large.',
    FILE_CORRUPT: 'The file arrived damaged.',
    INTERRUPTED: 'The transfer was interrupted.',
    default: 'Something went wrong ({code}).',
  } as Record<string, string>,
};

/** The strings of the elements. */
export type Strings = typeof defaultStrings;
/** What the `strings` property accepts: any subset, errors included. */
export type StringOverrides = Partial<Omit<Strings, 'errors'>> & {
  errors?: Record<string, string>;
};
/** A whole translation: every string, every error the English has, and the direction of its script. */
export type Translation = Omit<Strings, 'errors'> & {
  errors: Record<string, string>;
  dir: 'ltr' | 'rtl';
};

/** Merges overrides into the defaults (or into a translation, which itself goes over the defaults). */
export function mergeStrings(
  overrides: StringOverrides | undefined,
  translation?: StringOverrides,
): Strings {
  return {
    ...defaultStrings,
    ...translation,
    ...overrides,
    errors: { ...defaultStrings.errors, ...translation?.errors, ...overrides?.errors },
  };
}

// Each translation is a chunk of its own, fetched only by a page that shows it.
const TRANSLATIONS: Record<string, () => Promise<{ default: Translation }>> = {
  ar: () => import('./locales/ar.js'),
  de: () => import('./locales/de.js'),
  es: () => import('./locales/es.js'),
  fr: () => import('./locales/fr.js'),
  ja: () => import('./locales/ja.js'),
};

/** The languages the elements speak besides English, as BCP 47 primary subtags. */
export const LANGUAGES = ['en', ...Object.keys(TRANSLATIONS)] as readonly string[];

/** The language of ours a BCP 47 tag asks for (`fr-CA` → `fr`), or `en` when we have none closer. */
export function languageOf(tag: string | undefined | null): string {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.hasOwn(TRANSLATIONS, primary) ? primary : 'en';
}

const loaded = new Map<string, Promise<Translation | undefined>>();

/** The translation into a language of ours (none for English); a chunk that fails to load leaves English. */
export function loadTranslation(language: string): Promise<Translation | undefined> {
  const load = TRANSLATIONS[language];
  if (!load) return Promise.resolve(undefined);
  let p = loaded.get(language);
  if (!p) {
    p = load().then(
      (m) => m.default,
      () => {
        loaded.delete(language); // try again next time
        return undefined;
      },
    );
    loaded.set(language, p);
  }
  return p;
}

/** Fills `{name}` placeholders. Values are plain text; the templates render them as text. */
export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) =>
    key in values ? String(values[key]) : m,
  );
}

/**
 * A readable message for an error. Reads `code` by shape rather than `instanceof P2PError`, so a client
 * from another copy of the SDK (an app's own, beside this bundle's) is understood too.
 */
export function errorText(strings: Strings, err: unknown): string {
  const code =
    typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
      ? err.code
      : 'UNKNOWN';
  return strings.errors[code] ?? format(strings.errors.default ?? '', { code });
}
