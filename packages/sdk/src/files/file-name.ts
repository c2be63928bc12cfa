import { utf8Length } from '../rtc/frames.js';

/** Longest name a received file is given, in bytes of UTF-8 (what most file systems allow). */
export const MAX_SAFE_NAME_BYTES = 200;

// C0 and C1 controls and DEL; bidirectional embeddings, overrides, isolates and marks (a name like
// "invoice‮fdp.exe" would show as "invoiceexe.pdf"); zero-width characters and the BOM.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// Characters Windows refuses in a name, and the path separators of every system.
const RESERVED_CHARS = /[<>:"/\\|?*]/g;
// Names Windows keeps for devices, with or without an extension.
const DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/**
 * A name that is safe to save and to show, from whatever a peer offered: only the last path segment, no
 * control, bidirectional or zero-width characters, none of `<>:"/\|?*`, no leading dots or trailing dots
 * and spaces, not a Windows device name, and at most {@link MAX_SAFE_NAME_BYTES} bytes with the extension
 * kept. Answers `file` when nothing is left.
 */
export function safeFileName(offered: string): string {
  const last = offered.split(/[/\\]/).pop() ?? '';
  let name = last
    .normalize('NFC')
    .replace(UNSAFE, '')
    .replace(RESERVED_CHARS, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (DEVICE.test(name)) name = `_${name}`;
  if (utf8Length(name) > MAX_SAFE_NAME_BYTES) name = shorten(name);
  return name || 'file';
}

// Cuts the stem, never the extension (when it is short), at a whole character.
function shorten(name: string): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const budget = MAX_SAFE_NAME_BYTES - utf8Length(ext);
  let stem = '';
  for (const ch of name.slice(0, name.length - ext.length)) {
    if (utf8Length(stem + ch) > budget) break;
    stem += ch;
  }
  return stem.replace(/[.\s]+$/, '') + ext;
}
