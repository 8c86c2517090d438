/**
 * What Panorama uses of node-quickbooks 2.0.50, declared as the library really behaves. The package ships an
 * index.d.ts, but it promises methods the code lacks (`query()`) and batch items shaped for writes only
 * (`operation` required), so this narrower declaration takes its place.
 */
declare module 'node-quickbooks' {
  type Callback<T> = (err: unknown, data?: T) => void;

  class QuickBooks {
    /** Process-wide; `refreshAccessToken` reads it on every call. */
    static TOKEN_URL: string;
    /** Process-wide and read only in the constructor; set `endpoint` on the instance instead. */
    static V3_ENDPOINT_BASE_URL: string;

    constructor(
      consumerKey: string,
      consumerSecret: string,
      token: string,
      tokenSecret: false,
      realmId: string,
      useSandbox: boolean,
      debug: boolean,
      minorversion: number | string | null,
      oauthversion: '2.0',
      refreshToken: string,
    );

    /** The OAuth 2 access token sent as `Authorization: Bearer` (read when each request is built). */
    token: string;
    refreshToken: string | null;
    realmId: string;
    /** `<origin>/v3/company/`; the realm id and path are appended per request. */
    endpoint: string;
    minorversion: number | string;

    /** POSTs grant_type=refresh_token to QuickBooks.TOKEN_URL; on success copies both new tokens onto the instance. */
    refreshAccessToken(callback: Callback<unknown>): void;
    /** POST /batch with `{ BatchItemRequest: items }`; answers the raw body. */
    batch(items: { bId: string; Query: string }[], callback: Callback<unknown>): void;
    /** GET /query?query=select * from customer<criteria>; a string criteria is appended as written. */
    findCustomers(criteria: string, callback: Callback<unknown>): void;
    findInvoices(criteria: string, callback: Callback<unknown>): void;
    findPayments(criteria: string, callback: Callback<unknown>): void;
    /** GET /preferences; answers the body's `Preferences` object (the whole body when it has none). */
    getPreferences(callback: Callback<unknown>): void;
    /** GET /cdc?entities=<list>&changedSince=<since> (the string is put in the URL as given). */
    changeDataCapture(entities: string | string[], since: string, callback: Callback<unknown>): void;
  }

  export = QuickBooks;
}
