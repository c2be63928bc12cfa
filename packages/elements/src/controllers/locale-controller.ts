import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StringOverrides, Strings, Translation } from '../i18n.js';
import { languageOf, loadTranslation, mergeStrings } from '../i18n.js';

/** What the controller reads from its element: the `locale` attribute and the `strings` property. */
export interface LocaleSource {
  locale: string | undefined;
  strings: StringOverrides | undefined;
}

// The `lang` of the element or of its nearest ancestor, through shadow roots, as the page declares it.
function inheritedLang(el: Element): string | undefined {
  for (let n: Element | null = el; n;) {
    const lang = n.getAttribute('lang');
    if (lang) return lang;
    n = n.parentElement ?? ((n.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
  }
  return undefined;
}

/**
 * The texts an element shows, in its language: the `locale` attribute if set, else the `lang` of the element
 * or its nearest ancestor (as the page declares it), else English. The translation is fetched on first use;
 * until it arrives the element shows English. `strings` overrides go on top of either. Follows changes of
 * `lang` anywhere in the page.
 */
export class LocaleController implements ReactiveController {
  /** The texts in use. */
  strings: Strings = mergeStrings(undefined);
  /** The tag for dates and numbers (`Intl`): the `locale` attribute or the inherited `lang`; undefined means
   * the browser's own. */
  tag: string | undefined;
  /** The language of the texts (`en`, `fr`, …) and its direction, once its translation is in. */
  language = 'en';
  dir: 'ltr' | 'rtl' = 'ltr';
  private translation: Translation | undefined;
  private observer: MutationObserver | undefined;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly source: () => LocaleSource,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.observer = new MutationObserver(() => this.refresh(true));
    this.observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
      subtree: true,
    });
    this.refresh();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
    this.observer = undefined;
  }

  /** Reads the language again (call it when `locale` or `strings` change); `render` asks for an update. */
  refresh(render = false): void {
    const { locale, strings } = this.source();
    const tag = locale || inheritedLang(this.host) || undefined;
    const language = languageOf(tag);
    const changed = tag !== this.tag || language !== this.language;
    this.tag = tag;
    if (language === 'en') this.use('en', undefined);
    else if (language !== this.language) {
      void loadTranslation(language).then((t) => {
        // still the language wanted when it arrives
        if (languageOf(this.tag) !== language) return;
        this.use(language, t);
        this.host.requestUpdate();
      });
    }
    this.strings = mergeStrings(strings, this.translation);
    if (render && changed) this.host.requestUpdate();
  }

  private use(language: string, translation: Translation | undefined): void {
    this.language = translation ? language : 'en';
    this.translation = translation;
    this.dir = translation?.dir ?? 'ltr';
    this.strings = mergeStrings(this.source().strings, translation);
  }
}
