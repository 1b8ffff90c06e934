// Bundles the console into ../dist, which server/console embeds: `go generate ./server/console` runs it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = `${here}../dist/`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
await build({
  entryPoints: [`${here}src/main.js`],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  outfile: `${out}app.js`,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(`${here}index.html`, `${out}index.html`);
copyFileSync(`${here}style.css`, `${out}app.css`);

// The digest of the sources this bundle was built from: a Go test recomputes it, so that sources changed
// without a rebuild fail the tests rather than ship a stale bundle.
const sources = ['build.mjs', 'index.html', 'package-lock.json', 'style.css',
  ...readdirSync(`${here}src`).filter((f) => f.endsWith('.js')).map((f) => `src/${f}`)].sort();
const digest = createHash('sha256');
for (const f of sources) digest.update(`${f}\0`).update(readFileSync(`${here}${f}`)).update('\0');
writeFileSync(`${out}sources.sha256`, `${digest.digest('hex')}\n`);
