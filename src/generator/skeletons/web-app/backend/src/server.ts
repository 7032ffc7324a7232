import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app.ts';
import { loadConfig } from './config.ts';

// A local .env (see .env.example) fills in what the environment leaves unset; real variables win.
const envFile = fileURLToPath(new URL('../../.env', import.meta.url));
if (existsSync(envFile)) process.loadEnvFile(envFile);

const config = loadConfig(process.env);
const app = buildApp({ logger: true });

// Finish in-flight requests before exiting, so containers and previews stop cleanly.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error(error);
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen(config.socketPath ? { path: config.socketPath } : { port: config.port, host: config.host });
} catch (error) {
  app.log.error(error);
  process.exit(1);
}
