import { z } from 'zod';
import {
  AvatarUrlSchema,
  BioSchema,
  DisplayNameSchema,
  EmailSchema,
  PasswordSchema,
  StatusSchema,
  UsernameSchema,
} from './fields.js';
import { PrivateUserSchema, PublicUserSchema } from './users.js';

/** REST paths of protocol v1, relative to the server's origin. */
export const RestPath = {
  register: '/api/register',
  login: '/api/login',
  logout: '/api/logout',
  profile: '/api/profile',
  user: '/api/users/:username',
  iceServers: '/api/ice-servers',
  health: '/healthz',
  ready: '/readyz',
} as const;

/** `POST /api/register` body. Unknown fields are dropped. */
export const RegisterRequestSchema = z.object({
  username: UsernameSchema,
  email: EmailSchema,
  password: PasswordSchema,
  displayName: DisplayNameSchema.optional(),
});
/** `POST /api/register` body. */
export type RegisterRequest = z.input<typeof RegisterRequestSchema>;

/** `POST /api/login` body: an e-mail address or a username, and the password. */
export const LoginRequestSchema = z
  .object({
    email: EmailSchema.optional(),
    username: UsernameSchema.optional(),
    password: PasswordSchema,
    remember: z.boolean().optional(),
  })
  .refine((b) => (b.email === undefined) !== (b.username === undefined), {
    message: 'give either email or username',
    path: ['email'],
  });
/** `POST /api/login` body. */
export type LoginRequest = z.input<typeof LoginRequestSchema>;

/** `DELETE /api/profile` body: the password, entered again, so that a stolen token cannot delete the account. */
export const DeleteAccountRequestSchema = z.object({ password: PasswordSchema });
/** `DELETE /api/profile` body. */
export type DeleteAccountRequest = z.input<typeof DeleteAccountRequestSchema>;

/** Answer to register (201) and login (200): the account, a bearer token and when it expires. */
export const AuthResponseSchema = z.object({
  user: PrivateUserSchema,
  token: z.string(),
  expiresAt: z.string(),
});
/** Answer to register and login. */
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

/** `PUT` or `PATCH /api/profile` body: any of the profile fields; absent ones are left as they are. */
export const ProfileUpdateSchema = z.object({
  displayName: DisplayNameSchema.optional(),
  bio: BioSchema.optional(),
  status: StatusSchema.optional(),
  avatarUrl: AvatarUrlSchema.optional(),
});
/** `PUT` or `PATCH /api/profile` body. */
export type ProfileUpdate = z.input<typeof ProfileUpdateSchema>;

/** `GET /api/profile` and profile updates answer with the private view. */
export const ProfileResponseSchema = z.object({ user: PrivateUserSchema });
/** `GET /api/profile` answer. */
export type ProfileResponse = z.infer<typeof ProfileResponseSchema>;

/** `GET /api/users/:username` answers with the public view only. */
export const PublicUserResponseSchema = z.object({ user: PublicUserSchema });
/** `GET /api/users/:username` answer. */
export type PublicUserResponse = z.infer<typeof PublicUserResponseSchema>;

/** One ICE server, shaped as `RTCIceServer`. */
export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
/** One ICE server, shaped as `RTCIceServer`. */
export type IceServer = z.infer<typeof IceServerSchema>;

/**
 * `GET /api/ice-servers`: STUN and TURN servers; TURN credentials are valid for `ttl` seconds. `relayOnly`
 * says the server requires every connection to go through TURN (clients then send relay candidates only).
 */
export const IceServersResponseSchema = z.object({
  iceServers: z.array(IceServerSchema),
  ttl: z.number().int().nonnegative(),
  relayOnly: z.boolean().optional(),
});
/** `GET /api/ice-servers` answer. */
export type IceServersResponse = z.infer<typeof IceServersResponseSchema>;

/** `GET /healthz` and `GET /readyz` answers. */
export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
});
/** `GET /healthz` and `GET /readyz` answers. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;
