/**
 * The PageBrowser conformance suite (src/core/ports/page-browser.ts), run by every browser adapter
 * against pages served from 127.0.0.1. A second local server plays "another origin", so the suite can
 * tell that a blocked request really never left the browser.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { BrowserPage, PageBrowser } from '../../src/core/ports/page-browser.ts';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

export function describePageBrowser(name: string, open: () => PageBrowser): void {
  describe(`PageBrowser conformance: ${name}`, () => {
    let base = '';
    let other = '';
    let otherHits = 0;
    const pages: Record<string, string> = {};
    const app = createServer((req, res) => {
      const html = pages[req.url ?? ''];
      if (html === undefined) return void res.writeHead(404).end('not here');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    const elsewhere = createServer((_req, res) => {
      otherHits += 1;
      res.writeHead(200).end('');
    });
    elsewhere.on('upgrade', (_req, socket) => {
      otherHits += 1;
      socket.destroy();
    });
    let browser: PageBrowser;

    before(async () => {
      base = await listen(app);
      other = await listen(elsewhere);
      browser = open();
    });
    after(() => {
      app.close();
      elsewhere.close();
    });

    async function visit<T>(path: string, html: string, use: (page: BrowserPage) => Promise<T>): Promise<T> {
      pages[path] = html;
      const page = await browser.open(`${base}${path}`, { timeoutMs: 15_000 });
      try {
        return await use(page);
      } finally {
        await page.close();
      }
    }

    test('reports the document status, what is visible, and a screenshot as PNG', async () => {
      await visit('/ok', '<title>Ok</title><p>Hello there</p><canvas width="40" height="40"></canvas>', async (page) => {
        assert.deepEqual([page.load.status, page.load.error], [200, null]);
        const state = await page.state();
        assert.equal(state.title, 'Ok');
        assert.equal(state.visibleText, 'Hello there'.length);
        assert.equal(state.visibleMedia, 1);
        assert.ok(state.visibleElements >= 2);
        const png = Buffer.from(await page.screenshot());
        assert.equal(png.subarray(1, 4).toString(), 'PNG');
      });
      assert.ok(browser.description.length > 0);
    });

    test('lists visible, enabled interactive elements in document order, with their kind and label', async () => {
      const html = `<div tabindex="0">Board</div><canvas width="30" height="30"></canvas><input placeholder="Name">
        <select aria-label="Size"><option>S</option><option>M</option></select><input type="checkbox" name="done">
        <button>Save</button><input type="hidden" name="h"><button style="display:none">Hidden</button><button disabled>Off</button>`;
      await visit('/elements', html, async (page) => {
        const found = (await page.candidates()).map((c) => [c.kind, c.tag, c.inputType, c.label]);
        assert.deepEqual(found, [
          ['focusable', 'div', null, 'Board'],
          ['canvas', 'canvas', null, ''],
          ['input', 'input', 'text', 'Name'],
          ['select', 'select', null, 'Size'],
          ['input', 'input', 'checkbox', 'done'],
          ['button', 'button', null, 'Save'],
        ]);
      });
    });

    test('click, fill and select act on the element, and the fingerprint sees the change', async () => {
      const html = `<p id="out">none</p><button onclick="document.getElementById('out').textContent='clicked'">Go</button>
        <input placeholder="Name"><select aria-label="Size"><option>S</option><option>M</option></select>`;
      await visit('/act', html, async (page) => {
        const [button, input, select] = await page.candidates();
        let last = (await page.state()).fingerprint;
        for (const [candidate, action] of [
          [button!, 'click'],
          [input!, 'fill'],
          [select!, 'select'],
        ] as const) {
          assert.deepEqual(await page.act(candidate, action), { error: null });
          const now = (await page.state()).fingerprint;
          assert.notEqual(now, last, `${action} changed the page`);
          last = now;
        }
        assert.deepEqual(await page.act(null, 'keys'), { error: null }, 'keys can go to the page itself');
      });
    });

    test('uncaught errors, console errors and failed same-origin requests are reported', async () => {
      const html = `<p>x</p><script src="/missing.js"></script><script>console.error('could not load todos');
        Promise.reject(new Error('async boom')); throw new TypeError('sync boom');</script>`;
      await visit('/errors', html, async (page) => {
        const p = page.problems();
        assert.deepEqual([...p.pageErrors].sort(), ['TypeError: sync boom', 'async boom']);
        assert.ok(p.consoleErrors.includes('could not load todos'), JSON.stringify(p.consoleErrors));
        assert.deepEqual(
          p.failedRequests.map((r) => [new URL(r.url).pathname, r.method, r.status]),
          [['/missing.js', 'GET', 404]],
        );
      });
    });

    test('requests to another origin are blocked, listed, and never reach it', async () => {
      await visit(
        '/cross',
        `<p>x</p><img src="${other}/pixel.png"><script>fetch('${other}/api').catch(() => {}); new WebSocket('${other.replace('http', 'ws')}/socket')</script>`,
        async (page) => {
          const p = page.problems();
          assert.deepEqual([...p.blockedRequests].sort(), [`${other}/api`, `${other}/pixel.png`, `${other.replace('http', 'ws')}/socket`]);
          assert.deepEqual(p.failedRequests, [], 'a blocked request is not a failure of the app');
        },
      );
      assert.equal(otherHits, 0);
    });

    test('a document that answers 404, or nothing at all, is reported in load; open still resolves', async () => {
      const missing = await browser.open(`${base}/nowhere`, { timeoutMs: 15_000 });
      assert.equal(missing.load.status, 404);
      await missing.close();
      const closed = createServer();
      const url = await listen(closed);
      await new Promise((done) => closed.close(done));
      const refused = await browser.open(url, { timeoutMs: 15_000 });
      assert.equal(refused.load.status, null);
      assert.match(refused.load.error ?? '', /ERR_CONNECTION_REFUSED/);
      await refused.close();
    });

    test('a page stuck in a loop makes reads fail by their deadline, and close still ends it', async () => {
      const html = `<p>busy</p><script>addEventListener('load', () => setTimeout(() => { for (;;) {} }, 50))</script>`;
      pages['/loop'] = html;
      const page = await browser.open(`${base}/loop`, { timeoutMs: 15_000 });
      await new Promise((r) => setTimeout(r, 200));
      const started = Date.now();
      await assert.rejects(page.state(), /did not answer/);
      assert.ok(Date.now() - started < 10_000, 'gave up by its deadline');
      await page.close();
      await page.close();
    });
  });
}
