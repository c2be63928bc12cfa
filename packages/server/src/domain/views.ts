import type { PrivateUser, PublicUser } from '@p2pchat/sdk/protocol';
import type { UserRecord } from '../store/port.js';

/** What anyone may see of a user. */
export function toPublicUser(u: UserRecord): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    bio: u.bio,
    status: u.status,
    avatarUrl: u.avatarUrl,
  };
}

/** What the user sees of their own account. */
export function toPrivateUser(u: UserRecord): PrivateUser {
  return {
    ...toPublicUser(u),
    email: u.email,
    createdAt: u.createdAt.toISOString(),
    lastLogin: u.lastLogin ? u.lastLogin.toISOString() : null,
  };
}
