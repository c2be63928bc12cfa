import type { FileTransfer, IncomingFile } from '@p2pchat/sdk';
import { html, nothing } from 'lit';
import type { Strings } from '../../i18n.js';
import { errorText, format } from '../../i18n.js';
import { formatBytes } from '../../internal/files.js';

/** A file transfer as <p2p-chat> shows it: the SDK's transfer, and what it made of a finished one. */
export interface TransferView {
  transfer: FileTransfer;
  /** An object URL of the received file, for its download link (revoked when the view goes). */
  url?: string;
  /** Whether the received file is a picture that decoded, shown inline. */
  preview?: boolean;
}

/** What the transfer list does when a button is pressed. */
export interface TransferActions {
  accept(t: IncomingFile): void;
  decline(t: IncomingFile): void;
  cancel(t: FileTransfer): void;
}

/** The list of a conversation's files, newest last. */
export function transferList(
  views: TransferView[],
  t: Strings,
  actions: TransferActions,
  locale: string | undefined,
) {
  if (views.length === 0) return nothing;
  return html`<ul class="transfers" part="transfers" aria-label=${t.files}>
    ${views.map((v) => transferItem(v, t, actions, locale))}
  </ul>`;
}

function transferItem(v: TransferView, t: Strings, actions: TransferActions, locale?: string) {
  const x = v.transfer;
  const file = x.name;
  const size = formatBytes(x.size, locale);
  const incoming = x.direction === 'in';
  const { bytes } = x.progress;
  const percent = x.size > 0 ? Math.floor((bytes / x.size) * 100) : 100;
  const moving = x.state === 'accepted' || x.state === 'sending' || x.state === 'paused';
  return html`<li class="transfer ${x.direction} ${x.state}" part="transfer">
    <span class="file-name" dir="auto">${file}</span>
    <span class="file-size">${size}</span>
    ${
      x.state === 'offered'
        ? incoming
          ? html`<span class="file-actions">
              <button
                type="button"
                class="primary"
                @click=${() => actions.accept(x as IncomingFile)}
              >
                ${t.acceptFile}<span class="visually-hidden"> ${file}</span>
              </button>
              <button type="button" @click=${() => actions.decline(x as IncomingFile)}>
                ${t.declineFile}<span class="visually-hidden"> ${file}</span>
              </button>
            </span>`
          : html`<span class="file-state">${t.waitingForFile}</span>
              <button type="button" @click=${() => actions.cancel(x)}>
                ${t.cancel}<span class="visually-hidden"> ${file}</span>
              </button>`
        : nothing
    }
    ${
      moving
        ? html`<progress
              max=${x.size || 1}
              .value=${bytes}
              aria-label=${format(incoming ? t.receivingFile : t.sendingFile, { file })}
              aria-valuetext=${format(t.filePercent, { percent })}
            ></progress>
            <span class="file-state" aria-hidden="true"
              >${x.state === 'paused' ? t.filePaused : format(t.filePercent, { percent })}</span
            >
            <button type="button" @click=${() => actions.cancel(x)}>
              ${t.cancel}<span class="visually-hidden"> ${file}</span>
            </button>`
        : nothing
    }
    ${
      x.state === 'done'
        ? incoming && v.url
          ? html`${v.preview ? html`<img class="file-preview" src=${v.url} alt="" />` : nothing}
              <a class="file-link" href=${v.url} download=${file}
                >${t.downloadFile}<span class="visually-hidden"> ${file}</span></a
              >`
          : html`<span class="file-state">${incoming ? t.fileSaved : t.fileSent}</span>`
        : nothing
    }
    ${
      x.state === 'failed' || x.state === 'cancelled'
        ? html`<span class="file-state"
            >${
              x.state === 'failed'
                ? errorText(t, x.error)
                : x.error?.code === 'PEER_DECLINED'
                  ? t.fileDeclined
                  : t.fileCancelled
            }</span
          >`
        : nothing
    }
  </li>`;
}
