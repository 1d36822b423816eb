// Lint rules, plus the import direction of docs/ARCHITECTURE.md as a lint zone:
// engine ← core ← contract ← {store, jobs} ← server ← cli; web sees contract and pure core only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';

const layers = ['engine', 'core', 'contract', 'store', 'jobs', 'server', 'cli', 'web'];
/** What each layer may import (besides itself). */
const allowed = {
  engine: [],
  core: ['engine'],
  contract: ['engine', 'core'],
  store: ['engine', 'core', 'contract'],
  jobs: ['engine', 'core', 'contract', 'store'],
  server: ['engine', 'core', 'contract', 'store', 'jobs'],
  cli: ['engine', 'core', 'contract', 'store', 'jobs', 'server'],
  web: ['core', 'contract'],
};

const zones = layers.map((layer) => {
  const forbidden = layers.filter((l) => l !== layer && !allowed[layer].includes(l));
  const nodeBan =
    layer === 'engine' || layer === 'core' || layer === 'contract' || layer === 'web'
      ? [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: `${layer}/ is pure: no Node modules.` }]
      : [];
  return {
    files: [`src/${layer}/**/*.ts`, `src/${layer}/**/*.tsx`],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...forbidden.map((l) => ({
              group: [`../${l}/*`, `../../${l}/*`, `../../../${l}/*`, `../${l}`, `../../${l}`],
              message: `${layer}/ may not import ${l}/ (see docs/ARCHITECTURE.md).`,
            })),
            ...nodeBan,
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // Lint that reads types. A promise nobody awaits must say so (`void`, where it cannot reject
    // or its rejection is handled) or handle its rejection; an async function is no event
    // handler; a switch over a union names every member.
    // Which program types a file: src/web by its own tsconfig (found by the project service,
    // which reads core/ and contract/ from source); everything else by test/tsconfig.json,
    // the one program that holds src/ outside web/, the tests, e2e/ and the tool configs.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { project: './test/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Bugs the types show for free, while they are at hand: awaiting what is no promise,
      // for-in over an array's indices as strings, delete leaving a hole in an array.
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-array-delete': 'error',
    },
  },
  {
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    languageOptions: { parserOptions: { project: null, projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    // The pages: React in the browser, checked for the rules of hooks and for accessibility.
    files: ['src/web/**/*.ts', 'src/web/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.flat['recommended-latest'].rules,
  },
  { ...jsxA11y.flatConfigs.recommended, files: ['src/web/**/*.tsx'] },
  { files: ['src/web/**/*.tsx'], rules: { 'jsx-a11y/aria-role': ['error', { ignoreNonDOM: true }] } },
  ...zones,
);
