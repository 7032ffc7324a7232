// `npm test`: every *.test.ts(x) under backend/ and frontend/src/, found when it runs, so a new test file
// is picked up without editing package.json. Browser tests (e2e/) run with `npm run test:e2e`.
import { findTests, runTests } from './node-tests.ts';

const unitTest = /\.test\.tsx?$/;
process.exit(runTests([...findTests('backend', unitTest), ...findTests('frontend/src', unitTest)], 'test-results/junit.xml'));
