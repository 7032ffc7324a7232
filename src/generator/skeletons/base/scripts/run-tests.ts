// `npm test`: every *.test.ts(x) under backend/ and frontend/src/, found when it runs, so a new test file
// is picked up without editing package.json. Browser tests (e2e/) run with `npm run test:e2e`.
// TEST_KINDS=unit or TEST_KINDS=integration runs one kind: integration tests (*.api.test.ts) start the
// app and call its HTTP API; unit tests are the rest.
import { findTests, runTests } from './node-tests.ts';

const kinds = new Set((process.env.TEST_KINDS ?? 'unit,integration').split(',').map((k) => k.trim()));
const anyTest = /\.test\.tsx?$/;
const integration = /\.api\.test\.tsx?$/;
const files = [...findTests('backend', anyTest), ...findTests('frontend/src', anyTest)].filter((file) =>
  integration.test(file) ? kinds.has('integration') : kinds.has('unit'),
);
process.exit(runTests(files, 'test-results/junit.xml'));
