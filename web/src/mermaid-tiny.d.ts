// @mermaid-js/tiny ships one prebuilt browser script and no types; the UI loads it by URL (mermaid-diagram.tsx).
declare module '@mermaid-js/tiny/dist/mermaid.tiny.js?url' {
  const url: string;
  export default url;
}
