import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      dataDir: resolve('.data'),
      mongodbUri: undefined,
      corsOrigins: [],
      stunUrls: ['stun:stun.l.google.com:19302'],
      turnUrls: [],
      tokenTtl: 86_400,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/p2pchat',
      MONGODB_URI: 'mongodb://db:27017/chat',
      CORS_ORIGINS: 'https://a.test, https://b.test:8443',
      STUN_URLS: '',
      TURN_URLS: 'turn:turn.test:3478?transport=udp,turns:turn.test:5349',
      TURN_SECRET: 'a-long-enough-secret',
      TURN_TTL: '30m',
      TOKEN_TTL: '12h',
      REMEMBER_TTL: '7d',
      SESSION_RETENTION: '90d',
      LOG_LEVEL: 'warn',
      NODE_ID: 'node-1',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/var/lib/p2pchat',
      mongodbUri: 'mongodb://db:27017/chat',
      corsOrigins: ['https://a.test', 'https://b.test:8443'],
      stunUrls: [],
      turnUrls: ['turn:turn.test:3478?transport=udp', 'turns:turn.test:5349'],
      turnTtl: 1800,
      tokenTtl: 43_200,
      rememberTtl: 604_800,
      sessionRetention: 90 * 86_400,
      logLevel: 'warn',
      nodeId: 'node-1',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be at most 65535'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI must start with mongodb://'],
    [{ CORS_ORIGINS: 'https://a.test/' }, 'CORS_ORIGINS: "https://a.test/" is not an origin'],
    [{ CORS_ORIGINS: 'a.test' }, 'CORS_ORIGINS: "a.test" is not an origin'],
    [
      { STUN_URLS: 'http://stun.test' },
      'STUN_URLS: "http://stun.test" must start with stun: or stuns:',
    ],
    [{ TURN_URLS: 'turn:t.test' }, 'TURN_URLS is set, so TURN_SECRET must be set too'],
    [{ TURN_SECRET: 'a-long-enough-secret' }, 'TURN_SECRET is set, so TURN_URLS must be set too'],
    [{ RELAY_ONLY: 'on' }, 'RELAY_ONLY is on, so TURN_URLS and TURN_SECRET must be set'],
    [{ RELAY_ONLY: 'yes' }, 'RELAY_ONLY must be on or off'],
    [
      { TURN_URLS: 'turn:t.test', TURN_SECRET: 'short' },
      'TURN_SECRET must be at least 16 characters',
    ],
    [{ TOKEN_TTL: '-5' }, 'TOKEN_TTL must be a duration'],
    [{ TOKEN_TTL: '1y' }, 'TOKEN_TTL must be a duration'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ NODE_ID: 'a b' }, 'NODE_ID may hold'],
  ])('stops on %o with a message naming the problem', (env, message) => {
    const err = (() => {
      try {
        loadConfig(env);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(message);
  });

  it('reports every problem at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' })).toThrow(/PORT[\s\S]*LOG_LEVEL/);
  });
});

describe('the server README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  // the rows of its configuration table: | `NAME` | default | meaning |
  const rows = [...readme.matchAll(/^\| `([A-Z_]+)` +\| (.+?) +\| (.+?) +\|$/gm)];

  it('documents every variable the server reads, with a default and a meaning, and no other', () => {
    expect(rows.map((r) => r[1]).sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const [, name, byDefault, meaning] of rows) {
      expect(byDefault?.trim(), name).not.toBe('');
      expect(meaning?.length, name).toBeGreaterThan(10);
    }
  });

  it('says how to install, run and deploy it', () => {
    for (const heading of ['## Install', '## Run', '## Configuration', '## Deploy'])
      expect(readme).toContain(heading);
    expect(readme).toContain('npx p2pchat-server');
    expect(readme).toContain('--help');
    expect(readme).toContain('--version');
  });
});
