import { createRequire } from 'node:module';

/** The part of axios's request config this module sets. */
type RequestConfig = { signal?: AbortSignal; timeout?: number };
type AxiosInstance = {
  interceptors: { request: { use(onFulfilled: (c: RequestConfig) => RequestConfig, onRejected: null, opts: { synchronous: boolean }): number } };
};

/**
 * node-quickbooks builds every request itself and hands axios no AbortSignal and no timeout, so an abandoned call
 * would keep its socket open until the vendor answers. The library calls axios synchronously inside each of its
 * methods (as it reads the token), so a synchronous request interceptor on the very axios it uses (its own
 * CommonJS copy, not an ESM import) can give that one request the caller's signal and a timeout: aborting the
 * signal, or the timeout passing, destroys the socket.
 */
let installed = false;
let pending: { signal: AbortSignal | undefined; timeoutMs: number } | null = null;

function install(): void {
  if (installed) return;
  installed = true;
  const fromQuickbooks = createRequire(createRequire(import.meta.url).resolve('node-quickbooks'));
  const axios = fromQuickbooks('axios') as AxiosInstance;
  axios.interceptors.request.use(
    (config) => {
      if (!pending) return config;
      if (pending.signal && !config.signal) config.signal = pending.signal;
      if (!config.timeout) config.timeout = pending.timeoutMs;
      return config;
    },
    null,
    { synchronous: true },
  );
}

/** Runs one node-quickbooks call so that the request it starts carries `signal` and a `timeoutMs` timeout. */
export function withRequestSignal<T>(opts: { signal?: AbortSignal; timeoutMs: number }, call: () => Promise<T>): Promise<T> {
  install();
  pending = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  try {
    return call();
  } finally {
    pending = null;
  }
}
