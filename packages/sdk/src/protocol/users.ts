import { z } from 'zod';

/** What anyone may see of a user: the public profile. */
export const PublicUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  bio: z.string(),
  status: z.string(),
  avatarUrl: z.string(),
});
/** What anyone may see of a user. */
export type PublicUser = z.infer<typeof PublicUserSchema>;

/** What a user sees of their own account: the public profile plus e-mail and dates (ISO 8601). */
export const PrivateUserSchema = PublicUserSchema.extend({
  email: z.string(),
  createdAt: z.string(),
  lastLogin: z.string().nullable(),
});
/** What a user sees of their own account. */
export type PrivateUser = z.infer<typeof PrivateUserSchema>;
