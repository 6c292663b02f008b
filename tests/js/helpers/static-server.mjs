// A tiny static server for the Chromium runner: serves the package (wasm/) and the scenarios
// (tests/js/) from the repository, on 127.0.0.1 and a free port, with the right MIME types.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};
const ALLOWED = ['/wasm/js/', '/wasm/dist/', '/tests/js/scenarios/', '/tests/js/helpers/'];

export async function startStaticServer(root) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const p = path.posix.normalize(decodeURIComponent(url.pathname));
    if (!ALLOWED.some((prefix) => p.startsWith(prefix))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(root, p));
      const headers = { 'content-type': TYPES[path.extname(p)] || 'application/octet-stream', 'cache-control': 'no-store' };
      // ?csp=<policy>: the page is served under that Content-Security-Policy.
      if (url.searchParams.has('csp')) headers['content-security-policy'] = url.searchParams.get('csp');
      res.writeHead(200, headers);
      res.end(body);
    } catch (e) {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
