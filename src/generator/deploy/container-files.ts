/**
 * The generated app's container files (Dockerfile.backend, Dockerfile.frontend, frontend/nginx.conf),
 * kept as real files in ./files so they read as what they are; the same bytes go into every app.
 */
import { readFileSync } from 'node:fs';

const read = (name: string) => readFileSync(new URL(`./files/${name}`, import.meta.url), 'utf8');

/** Repository path → content. */
export const CONTAINER_FILES: Readonly<Record<string, string>> = Object.freeze({
  'Dockerfile.backend': read('Dockerfile.backend'),
  'Dockerfile.frontend': read('Dockerfile.frontend'),
  'frontend/nginx.conf': read('nginx.conf'),
});
