import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';

/** Only https avatars are shown (never javascript:, data: or http:); anything else gets initials. */
export function safeAvatarUrl(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The first letter of a name, as text. */
export function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? '?').toUpperCase();
}

/**
 * An avatar: the picture if it is https, else the initial. Decorative: the name is always beside it. With
 * `pictures` false (relay-only mode) no picture is loaded, as its host would learn the reader's address.
 */
export function avatar(name: string, url: string | undefined, pictures = true): TemplateResult {
  const src = pictures ? safeAvatarUrl(url) : null;
  return html`<span class="avatar" part="avatar" aria-hidden="true"
    >${src ? html`<img src=${src} alt="" referrerpolicy="no-referrer" loading="lazy" />` : nothing}<span
      class="initial"
      >${src ? nothing : initial(name)}</span
    ></span
  >`;
}
