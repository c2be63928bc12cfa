import { z } from 'zod';
import {
  AVATAR_URL_MAX_LENGTH,
  BIO_MAX_LENGTH,
  DISPLAY_NAME_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  STATUS_MAX_LENGTH,
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  USERNAME_PATTERN,
} from './limits.js';

// Control characters (C0, DEL, C1) have no place in a one-line field; newlines are allowed in a bio only.
// Matching them is the point of these patterns.
/* eslint-disable no-control-regex */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

/** A username as typed: trimmed, then checked against the length and {@link USERNAME_PATTERN}. */
export const UsernameSchema = z
  .string()
  .trim()
  .min(USERNAME_MIN_LENGTH, `must be at least ${USERNAME_MIN_LENGTH} characters`)
  .max(USERNAME_MAX_LENGTH, `must be at most ${USERNAME_MAX_LENGTH} characters`)
  .regex(USERNAME_PATTERN, 'may hold letters, digits and _, with single . or - between them');

/** An e-mail address: trimmed and lower-cased, so `Ada@X.org ` and `ada@x.org` are one account. */
export const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX_LENGTH, `must be at most ${EMAIL_MAX_LENGTH} characters`)
  .pipe(z.email('must be an e-mail address'));

/** A password: 8 to 128 characters, not trimmed. */
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

/** A display name: one line, 1 to 64 characters after trimming. */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(DISPLAY_NAME_MAX_LENGTH, `must be at most ${DISPLAY_NAME_MAX_LENGTH} characters`)
  .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');

/** A bio: up to 500 characters; may span lines. */
export const BioSchema = z
  .string()
  .trim()
  .max(BIO_MAX_LENGTH, `must be at most ${BIO_MAX_LENGTH} characters`)
  .refine((s) => !CONTROL_CHARS_EXCEPT_NEWLINE.test(s), 'must not contain control characters');

/** A status line: up to 80 characters, one line. */
export const StatusSchema = z
  .string()
  .trim()
  .max(STATUS_MAX_LENGTH, `must be at most ${STATUS_MAX_LENGTH} characters`)
  .refine((s) => !CONTROL_CHARS.test(s), 'must not contain control characters');

/** An avatar URL: `https:` only (never `javascript:`, `data:` or plain `http:`), or `''` to clear it. */
export const AvatarUrlSchema = z.union([
  z.literal(''),
  z
    .string()
    .trim()
    .max(AVATAR_URL_MAX_LENGTH, `must be at most ${AVATAR_URL_MAX_LENGTH} characters`)
    .pipe(z.url({ protocol: /^https$/, error: 'must be an https:// URL' })),
]);
