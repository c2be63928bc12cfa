import type { CandidateType, ConnectionInfo } from '@p2pchat/sdk';
import { html, nothing } from 'lit';
import type { ConnectionView } from '../../controllers/connection-controller.js';
import type { Strings } from '../../i18n.js';
import { format } from '../../i18n.js';
import { formatBytes } from '../../internal/files.js';

const KIND: Record<CandidateType, keyof Strings> = {
  host: 'candidateHost',
  srflx: 'candidateSrflx',
  prflx: 'candidatePrflx',
  relay: 'candidateRelay',
  unknown: 'notReported',
};

function kind(t: Strings, type: CandidateType): string {
  return t[KIND[type]] as string;
}

function path(c: ConnectionInfo, name: string, t: Strings, locale: string | undefined) {
  const rtt =
    c.rttMs === undefined
      ? t.notReported
      : format(t.milliseconds, {
          ms: new Intl.NumberFormat(locale, { maximumFractionDigits: c.rttMs < 10 ? 1 : 0 }).format(
            c.rttMs,
          ),
        });
  return html`<p class="route ${c.route}">
      ${c.route === 'direct' ? format(t.routeDirect, { name }) : format(t.routeRelay, { name })}
    </p>
    <dl>
      <dt>${t.roundTrip}</dt>
      <dd>${rtt}</dd>
      <dt>${t.yourSide}</dt>
      <dd>${kind(t, c.local)}</dd>
      <dt>${format(t.theirSide, { name })}</dt>
      <dd>${kind(t, c.remote)}</dd>
      ${
        c.protocol
          ? html`<dt>${t.transport}</dt>
              <dd>${c.protocol.toUpperCase()}</dd>`
          : nothing
      }
      ${
        c.bytesSent !== undefined && c.bytesReceived !== undefined
          ? html`<dt>${t.bytesSoFar}</dt>
              <dd>
                ${format(t.sentReceived, {
                  sent: formatBytes(c.bytesSent, locale),
                  received: formatBytes(c.bytesReceived, locale),
                })}
              </dd>`
          : nothing
      }
    </dl>`;
}

/**
 * What the open conversation's connections go over, in plain words: direct or through a relay, the round
 * trip, each side's candidate type. One block per connection (device) of the peer.
 */
export function connectionPanel(
  view: ConnectionView,
  name: string,
  t: Strings,
  locale: string | undefined,
) {
  return html`<div
    class="connection-panel"
    part="connection-panel"
    role="group"
    aria-label=${t.connectionPanel}
  >
    ${
      view === 'loading'
        ? html`<p>${t.loading}</p>`
        : view instanceof Error
          ? html`<p class="error">${view.message}</p>`
          : view.length === 0
            ? html`<p>${format(t.noConnection, { name })}</p>`
            : view.length === 1
              ? path(view[0] as ConnectionInfo, name, t, locale)
              : html`<ol>
                  ${view.map(
                    (c, i) =>
                      html`<li>
                        <span>${format(t.safetyDevice, { n: i + 1 })}</span
                        >${path(c, name, t, locale)}
                      </li>`,
                  )}
                </ol>`
    }
  </div>`;
}
