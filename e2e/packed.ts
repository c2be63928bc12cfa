// The publishable packages as `pnpm publish` would ship them, and a fresh npm project outside the workspace
// that installs some of them from their tarballs (third-party dependencies from the registry).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

/** Every workspace package not marked private: its folder and name. */
export const publishable = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({
    dir,
    json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    },
  }))
  .filter((p) => !p.json.private)
  .map((p) => ({ dir: p.dir, name: p.json.name }));

/** Packs each of `names` (`pnpm pack`) into `dest`: package name → tarball path. */
export async function pack(names: string[], dest: string): Promise<Map<string, string>> {
  const tarballs = new Map<string, string>();
  for (const p of publishable.filter((q) => names.includes(q.name))) {
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: p.dir });
    tarballs.set(p.name, stdout.trim().split('\n').at(-1) ?? '');
  }
  return tarballs;
}

const npm = (args: string[], cwd: string, timeout = 300_000) =>
  run('npm', args, {
    cwd,
    timeout,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });

/**
 * A fresh project in `app`: the files of `fixture`, a package.json depending on the tarballs and on
 * `devDependencies`, installed with npm.
 */
export async function installedApp(
  fixture: string,
  app: string,
  tarballs: Map<string, string>,
  devDependencies: Record<string, string>,
): Promise<void> {
  cpSync(fixture, app, { recursive: true });
  const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'installed-app',
      private: true,
      type: 'module',
      dependencies: deps,
      devDependencies,
      // our packages depend on each other at the version being published: take the packed ones
      overrides: Object.fromEntries([...tarballs.keys()].map((name) => [name, `$${name}`])),
    }),
  );
  await npm(['install', '--no-package-lock'], app, 600_000);
}
