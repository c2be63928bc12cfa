// A @p2pchat bot in Node: logs in (registering the first time), goes online, and answers every message.
// WebRTC comes from node-datachannel; everything else is the same SDK a browser uses.
import { createClient, memoryStorage } from '@p2pchat/sdk';
import { RTCPeerConnection } from 'node-datachannel/polyfill';

/**
 * Starts the bot; answers the client, and `stop()`.
 * @param {{ server: string, username: string, email: string, password: string, reply?: (text: string) => string, bindAddress?: string }} options
 */
export async function startBot(options) {
  const client = createClient({
    server: options.server,
    storage: memoryStorage(),
    // A bot is there to answer: it accepts everyone (people's browsers ask before answering strangers).
    reach: { policy: 'anyone' },
    // It takes files up to 1 MiB (larger offers are refused for it) and keeps them in memory only to
    // count their bytes.
    files: { maxFileBytes: 1024 * 1024 },
    rtc: {
      RTCPeerConnection,
      config: options.bindAddress ? { bindAddress: options.bindAddress } : {},
    },
  });
  const account = { email: options.email, password: options.password };
  await client.login(account).catch(async (err) => {
    if (err.code !== 'INVALID_CREDENTIALS') throw err;
    await client.register({
      ...account,
      username: options.username,
      displayName: `${options.username} (bot)`,
    });
  });
  await client.updateProfile({ status: 'I answer every message' });
  await client.connect();
  const reply = options.reply ?? ((text) => `echo: ${text}`);
  client.on('message', (m) => {
    // The bot logs who wrote, never what they wrote: message bodies stay private.
    console.log(`[bot] message from ${m.from.username}`);
    client
      .conversation(m.peerId)
      .send(reply(m.body))
      .catch((err) => console.error(`[bot] could not answer: ${err.code}`));
  });
  client.on('file', (transfer) => {
    console.log(`[bot] file from ${transfer.peerId}`);
    transfer.accept();
    transfer.done
      .then((blob) =>
        client
          .conversation(transfer.peerId)
          .send(`got ${transfer.name} (${blob?.size ?? 0} bytes)`),
      )
      .catch((err) => console.error(`[bot] file not received: ${err.code}`));
  });
  client.on('error', (err) => console.error(`[bot] ${err.code}: ${err.message}`));
  return { client, stop: () => client.disconnect() };
}

// As a command: P2PCHAT_SERVER=http://127.0.0.1:3000 node bot.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  const server = process.env.P2PCHAT_SERVER ?? 'http://127.0.0.1:3000';
  const bot = await startBot({
    server,
    username: process.env.BOT_USERNAME ?? 'echo-bot',
    email: process.env.BOT_EMAIL ?? 'echo-bot@example.com',
    password: process.env.BOT_PASSWORD ?? 'echo-bot-password',
  });
  console.log(`[bot] online at ${server} as ${bot.client.user?.username}`);
  const stop = () => {
    bot.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
