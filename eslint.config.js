// Catalyst's own lint (npm test runs it): the recommended JavaScript and typescript-eslint rules over
// src/, web/, test/, bench/ and scripts/, plus React's two classic hook rules for the UI. Generated apps and
// skeletons carry their own eslint.config.js and are linted with it by the tests that build them.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig([
  { ignores: ['node_modules/', 'web/dist/', 'coverage/', 'test-results/', '.catalyst/', '**/fixtures/', 'src/generator/skeletons/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberate: rest-destructuring a field away, unused callback arguments.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: globals.node } },
  // Tests and benchmarks read whatever JSON the system under test answers; typing it would only add casts.
  { files: ['test/**', 'bench/**', '**/*.test.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
]);
