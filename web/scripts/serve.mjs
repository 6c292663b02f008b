// A small static server for the built playground (web/dist): serves the files, answers
// /config.json with the broker's WebSocket endpoint, and sends the security headers.
//
//   const server = await servePlayground({ root, brokerWsUrl, port: 0 });
//   server.url; await server.close();

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// The page: no inline scripts, no eval; WebAssembly may compile (the poke client);
// WebSockets to any broker the user routes to. The page itself never runs user code.
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// The runner worker compiles the user's script (new Function) and the WebAssembly client.
// A worker has its own policy, taken from its script's response.
export const WORKER_CSP = [
  "default-src 'none'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'",
  "connect-src 'self' ws: wss:",
].join('; ');

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.wasm', '.svg', '.txt']);
const gzipCache = new Map(); // file -> { mtimeMs, data }

function gzipped(file, data, mtimeMs) {
  const hit = gzipCache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.data;
  const gz = zlib.gzipSync(data, { level: 9 });
  gzipCache.set(file, { mtimeMs, data: gz });
  return gz;
}

function isWorkerScript(urlPath) {
  return /\/assets\/worker-[^/]*\.js$/.test(urlPath);
}

export function servePlayground({ root, brokerWsUrl, port = 0, host = '127.0.0.1' }) {
  const rootDir = path.resolve(root);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let urlPath = decodeURIComponent(url.pathname);
    if (urlPath === '/config.json') {
      const body = JSON.stringify({ brokerWsUrl });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (urlPath.endsWith('/')) urlPath += 'index.html';
    const file = path.join(rootDir, urlPath);
    if (!file.startsWith(rootDir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const ext = path.extname(file);
      const headers = {
        'content-type': TYPES[ext] || 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      };
      if (ext === '.html') headers['content-security-policy'] = PAGE_CSP;
      if (isWorkerScript(urlPath)) headers['content-security-policy'] = WORKER_CSP;
      let body = data;
      if (COMPRESSIBLE.has(ext) && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        body = gzipped(file, data, fs.statSync(file).mtimeMs);
        headers['content-encoding'] = 'gzip';
        headers.vary = 'accept-encoding';
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        port: actual,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}
