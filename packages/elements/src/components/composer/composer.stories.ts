import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';

const meta: Meta = {
  title: 'Elements/p2p-composer',
  component: 'p2p-composer',
};
export default meta;

export const Empty: StoryObj = {
  render: () => html`<p2p-composer placeholder="Write to Bob…"></p2p-composer>`,
};
export const WithAttach: StoryObj = {
  render: () =>
    html`<p2p-composer placeholder="Write to Bob…" attach-label="Attach a file"></p2p-composer>`,
};
export const Replying: StoryObj = {
  render: () =>
    html`<p2p-composer
      .context=${{
        kind: 'reply',
        id: 'm1',
        label: 'Replying to Bob: are we still on for Friday?',
        cancelLabel: 'Cancel the reply',
      }}
    ></p2p-composer>`,
};
export const Editing: StoryObj = {
  render: () =>
    html`<p2p-composer
      .context=${{
        kind: 'edit',
        id: 'm2',
        label: 'Editing your message',
        cancelLabel: 'Cancel the edit',
        body: 'See you at 8',
      }}
    ></p2p-composer>`,
};
export const Disabled: StoryObj = {
  render: () => html`<p2p-composer disabled placeholder="Not connected"></p2p-composer>`,
};
export const RightToLeft: StoryObj = {
  render: () =>
    html`<div dir="rtl" lang="ar">
      <p2p-composer label="رسالة" send-label="إرسال" placeholder="اكتب رسالة"></p2p-composer>
    </div>`,
};
export const Dark: StoryObj = {
  render: () => html`<p2p-composer theme="dark" placeholder="Write to Bob…"></p2p-composer>`,
};
