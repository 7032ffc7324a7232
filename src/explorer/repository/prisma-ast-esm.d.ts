// The package's CommonJS entry require()s chevrotain, which is ESM-only since v11, so it fails to load;
// its ES module build works. That build ships no declarations of its own: they are the package's.
declare module '@mrleebo/prisma-ast/dist/prisma-ast.esm.js' {
  export * from '@mrleebo/prisma-ast';
}
