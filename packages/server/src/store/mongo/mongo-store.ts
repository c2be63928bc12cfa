import {
  MongoClient,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import type { Collection } from 'mongodb';
import type {
  ChatSessionRecord,
  ChatSessionRepository,
  NodeRepository,
  Store,
  TokenRecord,
  TokenRepository,
  UserRecord,
  UserRepository,
} from '../port.js';
import { UniqueViolationError, guardRepositories } from '../port.js';

type UserDoc = Omit<UserRecord, 'id'> & { _id: string };
type TokenDoc = Omit<TokenRecord, 'tokenHash'> & { _id: string };
type SessionDoc = Omit<ChatSessionRecord, 'sessionId'> & { _id: string };
interface NodeDoc {
  _id: string;
  lastBeat: Date;
}

const fromUserDoc = ({ _id, ...rest }: UserDoc): UserRecord => ({ id: _id, ...rest });
const fromTokenDoc = ({ _id, ...rest }: TokenDoc): TokenRecord => ({ tokenHash: _id, ...rest });
const fromSessionDoc = ({ _id, ...rest }: SessionDoc): ChatSessionRecord => ({
  sessionId: _id,
  ...rest,
});

function uniqueViolation(err: unknown): UniqueViolationError | null {
  if (!(err instanceof MongoServerError) || err.code !== 11000) return null;
  const keys = Object.keys((err.keyPattern as Record<string, unknown> | undefined) ?? {});
  if (keys.includes('email')) return new UniqueViolationError('email');
  if (keys.includes('usernameKey')) return new UniqueViolationError('username');
  return new UniqueViolationError('id');
}

/** Options of the MongoDB store. */
export interface MongoStoreOptions {
  /** A `mongodb://` or `mongodb+srv://` connection string; its path names the database (default `p2pchat`). */
  uri: string;
  /** How long to wait for a server before giving up, in milliseconds. */
  serverSelectionTimeoutMS?: number;
}

// The driver's errors for a server it cannot reach, a lost connection or a closed client.
function isUnavailable(err: unknown): boolean {
  return (
    err instanceof MongoNetworkError ||
    err instanceof MongoServerSelectionError ||
    err instanceof MongoNotConnectedError ||
    err instanceof MongoTopologyClosedError
  );
}

/**
 * The MongoDB store, on the official driver. The unique indexes on the normalized username and e-mail exist
 * before this resolves, so the server never listens without them.
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const client = new MongoClient(options.uri, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000,
  });
  await client.connect();
  const db = client.db(); // the database named in the URI, or the driver's default
  const usersCol: Collection<UserDoc> = db.collection('users');
  const tokensCol: Collection<TokenDoc> = db.collection('auth_tokens');
  const sessionsCol: Collection<SessionDoc> = db.collection('chat_sessions');
  const nodesCol: Collection<NodeDoc> = db.collection('nodes');
  await Promise.all([
    usersCol.createIndex({ usernameKey: 1 }, { unique: true, name: 'username_key_unique' }),
    usersCol.createIndex({ email: 1 }, { unique: true, name: 'email_unique' }),
    tokensCol.createIndex({ expiresAt: 1 }, { name: 'expires_at' }),
    tokensCol.createIndex({ userId: 1 }, { name: 'user' }),
    tokensCol.createIndex({ revokedAt: 1 }, { name: 'revoked_at', sparse: true }),
    sessionsCol.createIndex({ isActive: 1, userId: 1 }, { name: 'active_user' }),
    sessionsCol.createIndex({ nodeId: 1, isActive: 1 }, { name: 'active_node' }),
  ]);

  const users: UserRepository = {
    async create({ id, ...rest }) {
      try {
        await usersCol.insertOne({ _id: id, ...rest });
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
    async findById(id) {
      const doc = await usersCol.findOne({ _id: id });
      return doc ? fromUserDoc(doc) : null;
    },
    async findByUsernameKey(usernameKey) {
      const doc = await usersCol.findOne({ usernameKey });
      return doc ? fromUserDoc(doc) : null;
    },
    async findByEmail(email) {
      const doc = await usersCol.findOne({ email });
      return doc ? fromUserDoc(doc) : null;
    },
    async updateProfile(id, patch) {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      const doc = await usersCol.findOneAndUpdate(
        { _id: id },
        { $set: set },
        { returnDocument: 'after' },
      );
      return doc ? fromUserDoc(doc) : null;
    },
    async recordLogin(id, at) {
      await usersCol.updateOne({ _id: id }, { $set: { lastLogin: at } });
    },
    async setActive(id, isActive) {
      await usersCol.updateOne({ _id: id }, { $set: { isActive } });
    },
    async remove(id) {
      // No transaction (it would need a replica set): the user goes last, so a removal cut short leaves
      // an account whose tokens are gone, and doing it again finishes it.
      await tokensCol.deleteMany({ userId: id });
      await sessionsCol.deleteMany({ userId: id });
      return (await usersCol.deleteOne({ _id: id })).deletedCount > 0;
    },
  };

  const tokens: TokenRepository = {
    async create({ tokenHash, ...rest }) {
      await tokensCol.insertOne({ _id: tokenHash, ...rest });
    },
    async find(tokenHash) {
      const doc = await tokensCol.findOne({ _id: tokenHash });
      return doc ? fromTokenDoc(doc) : null;
    },
    async revoke(tokenHash, at) {
      const res = await tokensCol.updateOne(
        { _id: tokenHash, revokedAt: null },
        { $set: { revokedAt: at } },
      );
      return res.modifiedCount > 0;
    },
    async deleteExpired(now) {
      return (await tokensCol.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
    async revokeAllForUser(userId, at) {
      return (await tokensCol.updateMany({ userId, revokedAt: null }, { $set: { revokedAt: at } }))
        .modifiedCount;
    },
    async revokedSince(since) {
      const docs = await tokensCol
        .find({ revokedAt: { $gte: since } }, { projection: { _id: 1, userId: 1 } })
        .toArray();
      return docs.map((d) => ({ tokenHash: d._id, userId: d.userId }));
    },
  };

  const sessions: ChatSessionRepository = {
    async purgeClosedBefore(before) {
      return (await sessionsCol.deleteMany({ isActive: false, disconnectedAt: { $lt: before } }))
        .deletedCount;
    },
    async open({ sessionId, ...rest }) {
      await sessionsCol.insertOne({ _id: sessionId, ...rest });
    },
    async close(sessionId, at) {
      await sessionsCol.updateOne(
        { _id: sessionId, isActive: true },
        { $set: { isActive: false, disconnectedAt: at } },
      );
    },
    async closeActiveOnNode(nodeId, at) {
      const res = await sessionsCol.updateMany(
        { nodeId, isActive: true },
        { $set: { isActive: false, disconnectedAt: at } },
      );
      return res.modifiedCount;
    },
    async closeOrphaned(staleBefore, at) {
      const alive = await nodesCol.distinct('_id', { lastBeat: { $gte: staleBefore } });
      const res = await sessionsCol.updateMany(
        { isActive: true, nodeId: { $nin: alive } },
        { $set: { isActive: false, disconnectedAt: at } },
      );
      await nodesCol.deleteMany({ lastBeat: { $lt: staleBefore } });
      return res.modifiedCount;
    },
    async listActive(userId) {
      const filter = userId === undefined ? { isActive: true } : { isActive: true, userId };
      const docs = await sessionsCol.find(filter).sort({ connectedAt: 1 }).toArray();
      return docs.map(fromSessionDoc);
    },
    async find(sessionId) {
      const doc = await sessionsCol.findOne({ _id: sessionId });
      return doc ? fromSessionDoc(doc) : null;
    },
  };

  const nodes: NodeRepository = {
    async beat(nodeId, at) {
      await nodesCol.updateOne({ _id: nodeId }, { $set: { lastBeat: at } }, { upsert: true });
    },
    async forget(nodeId) {
      await nodesCol.deleteOne({ _id: nodeId });
    },
  };

  return {
    kind: 'mongodb',
    ...guardRepositories({ users, tokens, sessions, nodes }, isUnavailable),
    async ping() {
      try {
        await db.command({ ping: 1 });
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await client.close();
    },
  };
}
