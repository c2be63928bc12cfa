// bench/RESULTS.md: one section per benchmark, each replaced when its benchmark runs again, under a header
// that names the machine and the versions.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const file = new URL('../RESULTS.md', import.meta.url).pathname;
const AIMS = 'Where the aims stand';
const version = (pkg) => {
  try {
    return JSON.parse(
      readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8'),
    ).version;
  } catch {
    return '?';
  }
};

function header() {
  return [
    '# Benchmark results',
    '',
    'Figures from `bench/` (not part of the test run). Each section is rewritten by its command; the machine',
    'and versions are those of the latest run.',
    '',
    `- Machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; shared, so figures vary from run to run`,
    `- Node ${process.versions.node}; peer ${version('peer')}, ws ${version('ws')}, socket.io-client ${version('socket.io-client')}`,
    '',
  ].join('\n');
}

/** Writes (or replaces) the section `title` with `body`, dated. */
export function writeSection(title, body) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const sections = new Map();
  for (const part of old.split(/^## /m).slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    sections.set(name, part.slice(part.indexOf('\n') + 1).trim());
  }
  sections.set(title, `Run ${new Date().toISOString().slice(0, 16)}Z.\n\n${body}`);
  // the summary of the aims (written by hand) stays last
  const aims = sections.get(AIMS);
  if (aims !== undefined) {
    sections.delete(AIMS);
    sections.set(AIMS, aims);
  }
  const text = [header(), ...[...sections].map(([name, text]) => `## ${name}\n\n${text}\n`)].join(
    '\n',
  );
  writeFileSync(file, text);
}
