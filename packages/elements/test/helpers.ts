/// <reference types="mocha" />
import type * as ElementsModule from '../src/index.js';
import type * as SdkModule from '../../sdk/src/index.js';
import type { P2PClient } from '../../sdk/src/index.js';
import { a11ySnapshot } from '@web/test-runner-commands';

// The code under test, bundled from source with its dependencies (see test-support/wtr-p2pchat.mjs). The
// SDK is imported from the same bundle graph as the elements use, through the elements' own exports.
const elementsUrl = '/p2pchat-elements.js';
const sdkUrl = '/p2pchat-sdk.js';
export const elements = (await import(/* @vite-ignore */ elementsUrl)) as typeof ElementsModule;
export const sdk = (await import(/* @vite-ignore */ sdkUrl)) as typeof SdkModule;

export const serverUrl = ((await (await fetch('/p2pchat-server.json')).json()) as { url: string })
  .url;

let n = 0;
/** A fresh account's fields. */
export function account(prefix = 'el') {
  n += 1;
  const tag = `${prefix}${Date.now() % 1_000_000}_${n}`;
  return { username: tag, email: `${tag}@example.test`, password: `pw-${tag}-long` };
}

/**
 * A client with its own in-memory session (each element in a test is a separate "person"). It answers
 * anyone unless a policy is given; the request flow has its own test.
 */
export function client(policy: 'anyone' | 'contacts' | 'ask' = 'anyone'): P2PClient {
  return sdk.createClient({
    server: serverUrl,
    storage: sdk.memoryStorage(),
    preferences: sdk.memoryPreferences(),
    reach: { policy },
  });
}

/** Adds an element to the page, and removes it after the test. */
export async function fixture<T extends HTMLElement>(
  tag: string,
  props: Record<string, unknown> = {},
  width?: string,
): Promise<T> {
  const el = document.createElement(tag) as T;
  Object.assign(el, props);
  if (width) el.style.width = width;
  document.body.append(el);
  fixtures.push(el);
  await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
  return el;
}
const fixtures: HTMLElement[] = [];
afterEach(() => {
  for (const el of fixtures.splice(0)) el.remove();
});

/** Waits until `check` answers something truthy, and answers it. */
export async function until<T>(
  check: () => T,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Finds an element through open shadow roots: `deep(el, 'p2p-login', 'input[name=email]')`. */
export function deep<T extends Element = HTMLElement>(
  root: Element,
  ...selectors: string[]
): T | null {
  let current: Element = root;
  for (const selector of selectors) {
    const next = (current.shadowRoot ?? current).querySelector(selector);
    if (!next) return null;
    current = next;
  }
  return current as T;
}

/** Loads axe-core once and runs it on an element (shadow DOM included); answers the violations. */
export async function axe(el: Element): Promise<{ id: string; help: string; nodes: unknown[] }[]> {
  const w = window as unknown as {
    axe?: {
      run(
        ctx: Element,
        opts: object,
      ): Promise<{ violations: { id: string; help: string; nodes: unknown[] }[] }>;
    };
  };
  if (!w.axe) {
    await new Promise<void>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/axe.js';
      s.onload = () => resolve();
      s.onerror = () => reject(new Error('axe did not load'));
      document.head.append(s);
    });
  }
  if (!w.axe) throw new Error('axe did not load');
  const result = await w.axe.run(el, { resultTypes: ['violations'] });
  return result.violations;
}

/** One node of Chromium's accessibility tree: its role and name, as a screen reader gets them. */
export interface A11yNode {
  role?: string;
  name?: string;
  children?: A11yNode[];
}
/** Every node of the page's accessibility tree, in document order (shadow roots included). */
export async function a11yNodes(): Promise<A11yNode[]> {
  const all: A11yNode[] = [];
  const walk = (n: A11yNode) => {
    all.push(n);
    n.children?.forEach(walk);
  };
  walk((await a11ySnapshot({})) as unknown as A11yNode);
  return all;
}
