// Bundles the console into ../dist, which server/console embeds: `go generate ./server/console` runs it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
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
