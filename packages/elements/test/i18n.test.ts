/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { Translation } from '../src/i18n.js';
import { axe, client, deep, elements, fixture, until } from './helpers.js';
import { person, summary } from './chat-helpers.js';

const { defaultStrings, LANGUAGES } = elements;
const TRANSLATIONS: Record<string, Translation> = {
  ar: (await import('../src/locales/ar.js')).default,
  de: (await import('../src/locales/de.js')).default,
  es: (await import('../src/locales/es.js')).default,
  fr: (await import('../src/locales/fr.js')).default,
  ja: (await import('../src/locales/ja.js')).default,
};
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const english = Object.entries(defaultStrings).filter(([k]) => k !== 'errors') as [
  string,
  string,
][];

const loginTab = (el: Element) =>
  deep(el, 'p2p-login', '[role="tab"]')?.textContent?.trim() ??
  deep(el, '[role="tab"]')?.textContent?.trim();

describe('translations', () => {
  it('speaks English and five other languages, one of them right to left', () => {
    expect([...LANGUAGES].sort()).to.deep.equal(['ar', 'de', 'en', 'es', 'fr', 'ja']);
    expect(Object.values(TRANSLATIONS).filter((t) => t.dir === 'rtl')).to.have.length(1);
  });

  for (const [lang, t] of Object.entries(TRANSLATIONS)) {
    it(`${lang}: has every string and error, each with the same placeholders as the English`, () => {
      const mine = t as unknown as Record<string, string>;
      const problems: string[] = [];
      for (const [key, en] of english) {
        const s = mine[key];
        if (typeof s !== 'string' || s.trim() === '') problems.push(`${key}: missing`);
        else if (placeholders(s).join() !== placeholders(en).join())
          problems.push(
            `${key}: {${placeholders(s).join()}} where the English has {${placeholders(en).join()}}`,
          );
      }
      for (const [code, en] of Object.entries(defaultStrings.errors)) {
        const s = t.errors[code];
        if (!s) problems.push(`errors.${code}: missing`);
        else if (placeholders(s).join() !== placeholders(en).join())
          problems.push(`errors.${code}`);
      }
      const extra = Object.keys(t).filter((k) => !(k in defaultStrings) && k !== 'dir');
      expect([...problems, ...extra.map((k) => `${k}: not a string of ours`)]).to.deep.equal([]);
    });

    it(`${lang}: renders the login and the chat in it when the page says lang="${lang}"`, async () => {
      const box = document.createElement('div');
      box.lang = lang;
      document.body.append(box);
      try {
        const loggedOut = document.createElement('p2p-chat') as HTMLElement & { client: unknown };
        loggedOut.client = client();
        box.append(loggedOut);
        expect(
          await until(() => loginTab(loggedOut) === t.loginTab && true, `the ${lang} login`),
        ).to.equal(true);
        const card = deep(loggedOut, 'p2p-login', '.card');
        expect(getComputedStyle(card as Element).direction).to.equal(lang === 'ar' ? 'rtl' : 'ltr');

        const me = await person(`i18n${lang}`);
        box.append(me.el); // moves it into the box: it takes the box's language
        const nav = await until(
          () =>
            deep(me.el, 'nav[part="user-list"]')?.getAttribute('aria-label') === t.conversations &&
            true,
          `the ${lang} chat`,
        );
        expect(nav).to.equal(true);
        expect(getComputedStyle(deep(me.el, '.frame') as Element).direction).to.equal(
          lang === 'ar' ? 'rtl' : 'ltr',
        );
        expect(summary(await axe(me.el))).to.deep.equal([]);
      } finally {
        box.remove();
      }
    });
  }

  it('takes the locale attribute over the lang around it, a region to its language, and English for the rest', async () => {
    const cases: [string | null, string | null, string][] = [
      // locale attribute, lang around it, the login tab it shows
      ['de', 'fr', TRANSLATIONS.de?.loginTab ?? ''],
      [null, 'fr-CA', TRANSLATIONS.fr?.loginTab ?? ''],
      ['ES-mx', null, TRANSLATIONS.es?.loginTab ?? ''],
      [null, 'xx', defaultStrings.loginTab],
      // names every object has are not languages of ours
      [null, 'constructor', defaultStrings.loginTab],
      ['__proto__', null, defaultStrings.loginTab],
      ['en-GB', 'ja', defaultStrings.loginTab],
    ];
    for (const [locale, around, expected] of cases) {
      const box = document.createElement('div');
      if (around) box.lang = around;
      document.body.append(box);
      const el = document.createElement('p2p-login') as HTMLElement & { client: unknown };
      el.client = client();
      if (locale) el.setAttribute('locale', locale);
      box.append(el);
      await until(() => loginTab(el) === expected && true, `${locale}/${around} → ${expected}`);
      box.remove();
    }
  });

  it('follows the page when its lang changes, and keeps the strings property on top', async () => {
    const el = await fixture<HTMLElement & { strings: unknown }>('p2p-login', {
      client: client(),
      strings: { registerTab: 'Join us' },
    });
    const tabs = () =>
      [...(el.shadowRoot?.querySelectorAll('[role="tab"]') ?? [])].map((b) =>
        b.textContent?.trim(),
      );
    const before = document.documentElement.lang;
    try {
      document.documentElement.lang = 'ja';
      await until(() => tabs()[0] === TRANSLATIONS.ja?.loginTab, 'japanese');
      expect(tabs()[1]).to.equal('Join us');
      document.documentElement.lang = 'en';
      await until(() => tabs()[0] === 'Log in', 'english again');
    } finally {
      document.documentElement.lang = before;
    }
  });
});
