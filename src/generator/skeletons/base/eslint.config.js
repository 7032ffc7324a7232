import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig([
  { ignores: ['node_modules/', 'coverage/', 'frontend/dist/', 'test-results/', 'data/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
]);
