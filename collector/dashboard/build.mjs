// Builds the dashboard into dist/: one JavaScript and one CSS bundle named by
// their content hash, and index.html naming them. dist/ is committed and
// embedded into codepulse-collector by CMake, so neither the build of the
// binary nor the collector needs Node.js.
//   node build.mjs           rebuild dist/
//   node build.mjs --check   exit 1 when dist/ differs from a fresh build
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  console.log('SKIP: esbuild is not installed; run packaging/install-dashboard-deps.sh (npm ci in collector/dashboard)');
  process.exit(process.env.CI === 'true' ? 1 : 77);  // a skip, except under CI
}
const check = process.argv.includes('--check');

const result = await build({
  entryPoints: [join(here, 'web/main.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: 'out',
  write: false,
  legalComments: 'eof',
  logLevel: 'warning',
});

const hash = (text) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const files = new Map();
let js = '', css = '';
for (const f of result.outputFiles) {
  const ext = f.path.endsWith('.css') ? 'css' : 'js';
  const name = `app-${hash(f.text)}.${ext}`;
  files.set(`assets/${name}`, f.text);
  if (ext === 'css') css = name; else js = name;
}
const html = readFileSync(join(here, 'web/index.html'), 'utf8').replace('{{JS}}', js).replace('{{CSS}}', css);
files.set('index.html', html);

const dist = join(here, 'dist');
const list = (dir, prefix = '') => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? list(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]);

if (check) {
  let existing = [];
  try { existing = list(dist); } catch { existing = []; }
  const wanted = [...files.keys()].sort();
  const same = existing.sort().join('\n') === wanted.join('\n') &&
    wanted.every((f) => readFileSync(join(dist, f), 'utf8') === files.get(f));
  if (!same) {
    console.error('dashboard: dist/ is not the build of web/; run `npm run build` in collector/dashboard and commit dist/');
    process.exit(1);
  }
  console.log('dashboard: dist/ matches a fresh build of web/');
} else {
  rmSync(dist, { recursive: true, force: true });
  for (const [name, text] of files) {
    mkdirSync(dirname(join(dist, name)), { recursive: true });
    writeFileSync(join(dist, name), text);
  }
  console.log(`dashboard: built ${[...files.keys()].join(', ')}`);
}
