// A package registry on 127.0.0.1 for npm_package_test.sh: serves the packages of
// the given npm tarballs (metadata and tarballs), answers 404 to anything else, and
// logs every request, so a test sees each one npm made.
// Usage: node npm_registry.mjs PORT_FILE LOG_FILE [TARBALL...]  (runs until SIGTERM)
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [portFile, logFile, ...tarballs] = process.argv.slice(2);

// package/package.json out of an npm tarball (ustar: 512-byte headers).
function manifestOf(tgz) {
  const tar = gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length;) {
    const name = tar.subarray(at, at + 100).toString('latin1').replace(/\0.*$/s, '');
    if (name === '') break;
    const size = parseInt(tar.subarray(at + 124, at + 136).toString('latin1'), 8) || 0;
    if (name === 'package/package.json')
      return JSON.parse(tar.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`no package/package.json in ${basename(tgz)}`);
}

const packages = new Map();  // name -> { manifest, file, bytes }
for (const file of tarballs) {
  const bytes = readFileSync(file);
  const manifest = manifestOf(bytes);
  packages.set(manifest.name, { manifest, file: basename(file), bytes });
}

const server = createServer((req, res) => {
  appendFileSync(logFile, `${req.method} ${req.url}\n`);
  const path = decodeURIComponent(req.url.split('?')[0]).replace(/^\//, '');
  const { port } = server.address();
  for (const [name, p] of packages) {
    if (path === name) {
      const version = p.manifest.version;
      const dist = {
        tarball: `http://127.0.0.1:${port}/${name}/-/${p.file}`,
        shasum: createHash('sha1').update(p.bytes).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(p.bytes).digest('base64')}`,
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        name,
        'dist-tags': { latest: version },
        versions: { [version]: { ...p.manifest, _id: `${name}@${version}`, dist } },
      }));
      return;
    }
    if (path === `${name}/-/${p.file}`) {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(p.bytes);
      return;
    }
  }
  res.statusCode = 404;
  res.setHeader('content-type', 'application/json');
  res.end('{"error":"Not found"}');
});
server.listen(0, '127.0.0.1', () => writeFileSync(portFile, `${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
