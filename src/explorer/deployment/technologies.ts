/**
 * Wappalyzer-style detection: fixed rules over the main page's headers, cookie names and HTML. Each
 * hit says where it was seen, so a person can check it; nothing is guessed beyond what the rules say.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Technology } from '../../contracts/explorer.ts';
import { headerValue, parseSetCookies } from './security-checks.ts';

type Category = Technology['category'];

interface ProductRule {
  match: RegExp;
  name: string;
  category: Category;
  /** Technologies that come with this one (Next.js → React). */
  implies?: Array<{ name: string; category: Category }>;
}

/** Products named in Server / X-Powered-By / Via; the version, when given, follows a slash or space. */
const PRODUCTS: readonly ProductRule[] = [
  { match: /^nginx/i, name: 'nginx', category: 'infrastructure' },
  { match: /^openresty/i, name: 'OpenResty', category: 'infrastructure' },
  { match: /^apache(?!-coyote)/i, name: 'Apache HTTP Server', category: 'infrastructure' },
  { match: /^caddy/i, name: 'Caddy', category: 'infrastructure' },
  { match: /^envoy/i, name: 'Envoy', category: 'infrastructure' },
  { match: /^cloudflare/i, name: 'Cloudflare', category: 'infrastructure' },
  { match: /^microsoft-iis/i, name: 'IIS', category: 'infrastructure' },
  { match: /^(kestrel)/i, name: 'ASP.NET Core', category: 'backend' },
  { match: /^asp\.net/i, name: 'ASP.NET', category: 'backend' },
  { match: /^(jetty)/i, name: 'Jetty', category: 'backend', implies: [{ name: 'Java', category: 'language' }] },
  { match: /^apache-coyote|^tomcat/i, name: 'Apache Tomcat', category: 'backend', implies: [{ name: 'Java', category: 'language' }] },
  { match: /^gunicorn/i, name: 'Gunicorn', category: 'backend', implies: [{ name: 'Python', category: 'language' }] },
  { match: /^uvicorn/i, name: 'Uvicorn', category: 'backend', implies: [{ name: 'Python', category: 'language' }] },
  { match: /^werkzeug/i, name: 'Werkzeug', category: 'backend', implies: [{ name: 'Python', category: 'language' }] },
  { match: /^express/i, name: 'Express', category: 'backend', implies: [{ name: 'Node.js', category: 'language' }] },
  { match: /^fastify/i, name: 'Fastify', category: 'backend', implies: [{ name: 'Node.js', category: 'language' }] },
  { match: /^koa/i, name: 'Koa', category: 'backend', implies: [{ name: 'Node.js', category: 'language' }] },
  { match: /^hono/i, name: 'Hono', category: 'backend' },
  { match: /^next\.js/i, name: 'Next.js', category: 'frontend', implies: [{ name: 'React', category: 'frontend' }] },
  { match: /^nuxt/i, name: 'Nuxt', category: 'frontend', implies: [{ name: 'Vue', category: 'frontend' }] },
  { match: /^php/i, name: 'PHP', category: 'language' },
  { match: /^servlet/i, name: 'Java Servlet', category: 'backend', implies: [{ name: 'Java', category: 'language' }] },
  { match: /^phusion passenger/i, name: 'Phusion Passenger', category: 'infrastructure' },
  { match: /^vercel/i, name: 'Vercel', category: 'infrastructure' },
  { match: /^netlify/i, name: 'Netlify', category: 'infrastructure' },
  { match: /^(github\.com)/i, name: 'GitHub Pages', category: 'infrastructure' },
  { match: /^(amazons3)/i, name: 'Amazon S3', category: 'infrastructure' },
  { match: /varnish/i, name: 'Varnish', category: 'infrastructure' },
  { match: /vegur/i, name: 'Heroku', category: 'infrastructure' },
  { match: /cloudfront/i, name: 'Amazon CloudFront', category: 'infrastructure' },
  { match: /squid/i, name: 'Squid', category: 'infrastructure' },
];

/** Headers whose mere presence names a platform. */
const MARKER_HEADERS: ReadonlyArray<{ header: string; name: string; category: Category }> = [
  { header: 'cf-ray', name: 'Cloudflare', category: 'infrastructure' },
  { header: 'x-vercel-id', name: 'Vercel', category: 'infrastructure' },
  { header: 'x-nf-request-id', name: 'Netlify', category: 'infrastructure' },
  { header: 'x-amz-cf-id', name: 'Amazon CloudFront', category: 'infrastructure' },
  { header: 'fly-request-id', name: 'Fly.io', category: 'infrastructure' },
  { header: 'x-nextjs-cache', name: 'Next.js', category: 'frontend' },
  { header: 'x-drupal-cache', name: 'Drupal', category: 'backend' },
  { header: 'x-aspnet-version', name: 'ASP.NET', category: 'backend' },
];

const COOKIES: ReadonlyArray<{ match: RegExp; techs: Array<{ name: string; category: Category }> }> = [
  {
    match: /^connect\.sid$/,
    techs: [
      { name: 'Express', category: 'backend' },
      { name: 'Node.js', category: 'language' },
    ],
  },
  {
    match: /^JSESSIONID$/i,
    techs: [
      { name: 'Java Servlet', category: 'backend' },
      { name: 'Java', category: 'language' },
    ],
  },
  {
    match: /^laravel_session$/,
    techs: [
      { name: 'Laravel', category: 'backend' },
      { name: 'PHP', category: 'language' },
    ],
  },
  { match: /^PHPSESSID$/, techs: [{ name: 'PHP', category: 'language' }] },
  {
    match: /^ci_session$/,
    techs: [
      { name: 'CodeIgniter', category: 'backend' },
      { name: 'PHP', category: 'language' },
    ],
  },
  {
    match: /^csrftoken$|^sessionid$/,
    techs: [
      { name: 'Django', category: 'backend' },
      { name: 'Python', category: 'language' },
    ],
  },
  {
    match: /^_[a-z0-9_]+_session$/,
    techs: [
      { name: 'Ruby on Rails', category: 'backend' },
      { name: 'Ruby', category: 'language' },
    ],
  },
  { match: /^ASP\.NET_SessionId$|^\.AspNetCore\./, techs: [{ name: 'ASP.NET', category: 'backend' }] },
];

/** A product string such as "nginx/1.25.3", "PHP/8.2.1" or "Next.js 14.1". */
function productVersion(text: string): string | null {
  return /[/ ]v?(\d+(?:\.\d+)+)/.exec(text)?.[1] ?? null;
}

export class TechnologyList {
  private readonly byName = new Map<string, Technology>();

  add(name: string, category: Category, evidence: string, version: string | null = null): void {
    const known = this.byName.get(name.toLowerCase());
    if (!known) {
      this.byName.set(name.toLowerCase(), { name, version, category, evidence });
    } else if (known.version === null && version !== null) {
      known.version = version;
    }
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  list(): Technology[] {
    return [...this.byName.values()];
  }
}

export function detectFromHeaders(headers: IncomingHttpHeaders, found: TechnologyList): void {
  for (const header of ['server', 'x-powered-by', 'via']) {
    const value = headerValue(headers, header);
    if (!value) continue;
    // Via lists hops ("1.1 varnish, 1.1 vegur"); the others may list products ("PHP/8.2, ASP.NET").
    for (const part of value.split(',').map((p) => p.trim().replace(/^\d\.\d\s+/, ''))) {
      const rule = PRODUCTS.find((r) => r.match.test(part));
      if (!rule) continue;
      found.add(rule.name, rule.category, `${header} header`, productVersion(part));
      for (const implied of rule.implies ?? []) found.add(implied.name, implied.category, `${header} header (${rule.name})`);
    }
  }
  for (const marker of MARKER_HEADERS) {
    if (headers[marker.header] !== undefined) found.add(marker.name, marker.category, `${marker.header} header`);
  }
  for (const cookie of parseSetCookies(headers)) {
    const rule = COOKIES.find((r) => r.match.test(cookie.name));
    for (const tech of rule?.techs ?? []) found.add(tech.name, tech.category, `${cookie.name} cookie`);
  }
}

interface HtmlRule {
  test: (html: string) => RegExpExecArray | boolean | null;
  name: string;
  category: Category;
  evidence: string;
  version?: (html: string) => string | null;
}

const VITE_BUILD_ENTRY = /<script[^>]*type=["']module["'][^>]*src=["'][^"']*\/assets\/index-[\w-]+\.js["']/i;
const VITE_BUILD_ENTRY_REVERSED = /<script[^>]*src=["'][^"']*\/assets\/index-[\w-]+\.js["'][^>]*type=["']module["']/i;
const REACT_BUNDLE_HINT = /<script[^>]*src=["'][^"']*(react|\/static\/js\/main\.[0-9a-f]+\.js)[^"']*["']/i;
const ROOT_MOUNT = /<div[^>]*\bid=["']root["']/i;

function viteBuild(html: string): boolean {
  return VITE_BUILD_ENTRY.test(html) || VITE_BUILD_ENTRY_REVERSED.test(html);
}

const HTML_RULES: readonly HtmlRule[] = [
  {
    test: (h) => /<script[^>]*id=["']__NEXT_DATA__["']/i.test(h) || /\/_next\/static\//.test(h),
    name: 'Next.js',
    category: 'frontend',
    evidence: '__NEXT_DATA__ / _next/static in the HTML',
  },
  {
    test: (h) => /<script[^>]*id=["']__NEXT_DATA__["']/i.test(h) || /\/_next\/static\//.test(h),
    name: 'React',
    category: 'frontend',
    evidence: 'Next.js page (__NEXT_DATA__)',
  },
  { test: (h) => /\sdata-reactroot[=\s>]/i.test(h), name: 'React', category: 'frontend', evidence: 'data-reactroot attribute in the HTML' },
  {
    test: (h) =>
      ROOT_MOUNT.test(h) && (REACT_BUNDLE_HINT.test(h) || viteBuild(h) || /\/@vite\/client/.test(h) || /\/@react-refresh/.test(h)),
    name: 'React',
    category: 'frontend',
    evidence: 'empty id="root" mount point loaded by a React-style bundle',
  },
  {
    test: (h) => /\sng-version=["']/i.test(h),
    name: 'Angular',
    category: 'frontend',
    evidence: 'ng-version attribute in the HTML',
    version: (h) => /\sng-version=["']([\d.]+)/i.exec(h)?.[1] ?? null,
  },
  {
    test: (h) => /\/_nuxt\//.test(h) || /window\.__NUXT__/.test(h),
    name: 'Nuxt',
    category: 'frontend',
    evidence: '/_nuxt/ assets in the HTML',
  },
  {
    test: (h) => /\/_nuxt\//.test(h) || /\sdata-v-[0-9a-f]{6,}/i.test(h) || /\sdata-v-app[\s>=]/i.test(h),
    name: 'Vue',
    category: 'frontend',
    evidence: 'data-v- attributes or Nuxt assets in the HTML',
  },
  { test: (h) => /\/_app\/immutable\//.test(h), name: 'SvelteKit', category: 'frontend', evidence: '/_app/immutable/ assets in the HTML' },
  {
    test: (h) => /class=["'][^"']*\bsvelte-[a-z0-9]{4,}/i.test(h) || /\/_app\/immutable\//.test(h),
    name: 'Svelte',
    category: 'frontend',
    evidence: 'svelte- class names in the HTML',
  },
  { test: (h) => /window\.__remixContext/.test(h), name: 'Remix', category: 'frontend', evidence: '__remixContext in the HTML' },
  { test: (h) => /<astro-island/i.test(h), name: 'Astro', category: 'frontend', evidence: '<astro-island> in the HTML' },
  { test: (h) => /id=["']___gatsby["']/.test(h), name: 'Gatsby', category: 'frontend', evidence: 'id="___gatsby" in the HTML' },
  { test: (h) => /\/@vite\/client/.test(h), name: 'Vite', category: 'build', evidence: '/@vite/client script (Vite dev server)' },
  { test: viteBuild, name: 'Vite', category: 'build', evidence: 'module script /assets/index-<hash>.js (Vite build)' },
  {
    test: (h) => /<script[^>]*src=["'][^"']*jquery[.-]?(\d[\w.]*)?(\.min)?\.js/i.test(h),
    name: 'jQuery',
    category: 'frontend',
    evidence: 'jquery script in the HTML',
    version: (h) => /jquery[.-](\d+\.\d+(?:\.\d+)?)(?:\.min)?\.js/i.exec(h)?.[1] ?? null,
  },
  {
    test: (h) => /\/wp-content\/|\/wp-includes\//.test(h),
    name: 'WordPress',
    category: 'backend',
    evidence: '/wp-content/ paths in the HTML',
  },
  {
    test: (h) => /<input[^>]*name=["']csrfmiddlewaretoken["']/i.test(h),
    name: 'Django',
    category: 'backend',
    evidence: 'csrfmiddlewaretoken form field',
  },
  {
    test: (h) => /<meta[^>]*name=["']csrf-param["'][^>]*content=["']authenticity_token["']/i.test(h),
    name: 'Ruby on Rails',
    category: 'backend',
    evidence: 'authenticity_token csrf-param meta tag',
  },
  {
    test: (h) => /<link[^>]*href=["'][^"']*tailwind/i.test(h),
    name: 'Tailwind CSS',
    category: 'frontend',
    evidence: 'tailwind stylesheet in the HTML',
  },
  {
    test: (h) => /<link[^>]*href=["'][^"']*bootstrap[^"']*\.css/i.test(h),
    name: 'Bootstrap',
    category: 'frontend',
    evidence: 'bootstrap stylesheet in the HTML',
  },
];

/** `<meta name="generator" content="WordPress 6.4.2">` and friends. */
function generator(html: string): { name: string; version: string | null } | null {
  const tag =
    /<meta\b[^>]*\bname=["']generator["'][^>]*>/i.exec(html)?.[0] ??
    /<meta\b[^>]*\bcontent=["'][^"']*["'][^>]*\bname=["']generator["'][^>]*>/i.exec(html)?.[0];
  const content = tag ? /\bcontent=["']([^"']{1,100})["']/i.exec(tag)?.[1]?.trim() : undefined;
  if (!content) return null;
  const version = /\s+v?(\d+(?:\.\d+)*)\b/.exec(content)?.[1] ?? null;
  const name = content.replace(/\s+v?\d[\w.-]*.*$/, '').trim() || content;
  return { name, version };
}

const GENERATOR_CATEGORIES: Record<string, Category> = {
  wordpress: 'backend',
  drupal: 'backend',
  joomla: 'backend',
  ghost: 'backend',
  hugo: 'build',
  jekyll: 'build',
  gatsby: 'frontend',
  docusaurus: 'frontend',
  astro: 'frontend',
  'next.js': 'frontend',
  nuxt: 'frontend',
};

export function detectFromHtml(html: string, found: TechnologyList): void {
  const gen = generator(html);
  if (gen) found.add(gen.name, GENERATOR_CATEGORIES[gen.name.toLowerCase()] ?? 'other', 'generator meta tag', gen.version);
  for (const rule of HTML_RULES) {
    if (rule.test(html)) found.add(rule.name, rule.category, rule.evidence, rule.version?.(html) ?? null);
  }
}
