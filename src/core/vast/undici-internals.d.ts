// Types of the three undici internals that undici-request.ts imports (undici publishes types for its index only).
declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  const request: (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}
declare module 'undici/lib/global.js' {
  import type { Dispatcher } from 'undici';
  export function getGlobalDispatcher(): Dispatcher;
}
declare module 'undici/lib/core/util.js' {
  export function parseURL(url: string | URL): URL;
}
