/**
 * The URL shortener, as a tool-using model builds it on the web-app skeleton: a links API, the `/s/:code`
 * redirect (302, counting clicks) and a page to shorten and watch the clicks. Its mistakes: the redirect
 * route without its params type, so `request.params` is unknown (the type-check shows it, fixed in the
 * same round); and URL validation that takes any scheme `new URL` parses, `javascript:` included (its API
 * test and its browser test both catch it; fixed when the coder loop reports either check).
 */
import { fixtureFile, replaceOnce } from './fixture-apps.ts';
import { call, ROUND_OPENINGS, type ScriptedSession } from './session.ts';

const file = (path: string) => fixtureFile('shortener', path);

const typedRoute = "app.get<{ Params: { code: string } }>('/s/:code',";
const untypedRoute = "app.get('/s/:code',";
const notAUrl = '    return { ok: false, message: `"${url}" is not a URL` };\n  }\n';
const schemeCheck =
  "  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')\n    return { ok: false, message: 'only http and https URLs can be shortened' };\n";
const buildApp = 'const app = buildApp({ logger: true });\n';
const proxy = "    proxy: { '/api': backend, '/health': backend },\n";

export function shortenerSession(): ScriptedSession {
  const routes = replaceOnce(replaceOnce(file('backend/src/link-routes.ts'), typedRoute, untypedRoute), notAUrl + schemeCheck, notAUrl);
  return {
    name: 'shortener',
    prompt:
      'A URL shortener: I paste a long URL and get a short link; opening the short link redirects to the long URL and counts a click, and the page lists my links with their click counts.',
    whenDone: 'stop',
    rounds: [
      {
        opensWith: ROUND_OPENINGS.build,
        turns: [
          {
            text: 'Looking at how the skeleton builds its server, tests it, and proxies in development.',
            toolCalls: [
              call.listFiles(),
              call.readFile('backend/src/app.ts'),
              call.readFile('backend/src/server.ts'),
              call.readFile('backend/test/app.api.test.ts'),
              call.readFile('frontend/vite.config.ts'),
            ],
          },
          {
            text: 'Backend first: a link store (memory, plus a JSON file under data/ when the server runs), the /api/links routes and the /s/:code redirect, with API tests through inject().',
            expectResults: /buildApp/,
            toolCalls: [
              call.writeFile('backend/src/link-store.ts', file('backend/src/link-store.ts')),
              call.writeFile('backend/src/link-routes.ts', routes),
              call.writeFile('backend/src/app.ts', file('backend/src/app.ts')),
              call.editFile(
                'backend/src/server.ts',
                buildApp,
                "// Links live in data/ (git-ignored), next to the app.\nconst linksFile = fileURLToPath(new URL('../../data/links.json', import.meta.url));\nconst app = buildApp({ logger: true, linksFile });\n",
              ),
              call.writeFile('backend/test/links.api.test.ts', file('backend/test/links.api.test.ts')),
            ],
          },
          {
            text: 'Then the page: a form to shorten, the new short link, and the links with their clicks.',
            toolCalls: [
              call.writeFile('frontend/src/links.ts', file('frontend/src/links.ts')),
              call.writeFile('frontend/src/links.test.ts', file('frontend/src/links.test.ts')),
              call.writeFile('frontend/src/App.tsx', file('frontend/src/App.tsx')),
              call.writeFile('frontend/src/styles.css', file('frontend/src/styles.css')),
              call.editFile('frontend/index.html', '<title>Web App</title>', '<title>URL Shortener</title>'),
              call.editFile(
                'frontend/vite.config.ts',
                proxy,
                "    // '/s/' with its slash: a bare '/s' prefix would also send Vite's own /src/ modules to the backend.\n    proxy: { '/api': backend, '/health': backend, '/s/': backend },\n",
              ),
            ],
          },
          {
            toolCalls: [
              call.writeFile('e2e/shortener.e2e.test.ts', file('e2e/shortener.e2e.test.ts')),
              call.writeFile('README.md', file('README.md')),
              call.deleteFile('e2e/app.e2e.test.ts'),
              call.deleteFile('frontend/src/counter.ts'),
              call.deleteFile('frontend/src/counter.test.ts'),
            ],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          {
            text: 'Fastify types `request.params` as unknown unless the route declares them.',
            expectResults: /TS18046/,
            toolCalls: [call.editFile('backend/src/link-routes.ts', untypedRoute, typedRoute)],
          },
          { toolCalls: [call.runCheck('typecheck')] },
          { expectResults: /"ok":\s*true/, toolCalls: [call.runCheck('lint')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [
              call.finish(
                'URL shortener: POST /api/links {url} → 201 {code, short_url, url, clicks}, 400 invalid_url for a bad URL; GET /s/:code → 302 to the long URL, counting the click; GET /api/links lists them with clicks. Links kept in data/links.json. The page shortens and lists links with their clicks. API tests with inject(), unit tests for the page helpers, a browser test that follows a short link.',
              ),
            ],
          },
        ],
      },
      {
        opensWith: [ROUND_OPENINGS.check('test'), ROUND_OPENINGS.check('e2e')],
        expectMessage: /not an http\(s\) URL|only http and https URLs/,
        turns: [
          {
            text: '`new URL` accepts any scheme, so `javascript:` and `ftp:` links get through. Only http and https may be shortened.',
            toolCalls: [call.readFile('backend/src/link-routes.ts')],
          },
          { toolCalls: [call.editFile('backend/src/link-routes.ts', notAUrl, notAUrl + schemeCheck)] },
          { toolCalls: [call.runCheck('test')] },
          {
            expectResults: /"ok":\s*true/,
            toolCalls: [call.finish('Only http and https URLs are shortened now; javascript:, ftp: and the like get 400 invalid_url.')],
          },
        ],
      },
    ],
  };
}
