// The sipmap API over fetch: Basic credentials kept for this tab only, JSON answers, Twilio's errors as ApiError.

const SESSION_KEY = 'sipmap.console.session';
const TIMEOUT_MS = 20000;
/** The largest page the API serves: lists gathered whole are read in pages of this size. */
export const MAX_PAGE_SIZE = 1000;

/** A Twilio error ({code, message, more_info, status}), or a failure to reach the server (status 0). */
export class ApiError extends Error {
  constructor(status, code, message, moreInfo = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.moreInfo = moreInfo;
  }

  /** The request parameter Twilio's message names ("Invalid IpAddress: ..."), or null. */
  get parameter() {
    const named = /^Invalid (\w+)/.exec(this.message);
    return named ? named[1] : null;
  }

  /** Whether the server could not be reached, so a change may or may not have been made. */
  get unreachable() {
    return this.status === 0;
  }

  /** Whether the credentials may read but not write: a read-only API key, refused as Twilio refuses one. */
  get readOnly() {
    return this.status === 403 && this.code === 70051;
  }

  /** The message with Twilio's error code, as shown next to what caused it. */
  describe() {
    if (this.readOnly) {
      return 'This key is read-only: it may read, not change anything (error 70051).';
    }
    return this.code ? `${this.message} (error ${this.code})` : this.message;
  }
}

/** The credentials of this tab: sessionStorage only, never a URL or the browser's lasting storage; gone on sign-out. */
export const session = {
  load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY));
      return saved && typeof saved.sid === 'string' && typeof saved.secret === 'string' ? saved : null;
    } catch {
      return null;
    }
  },
  save(sid, secret) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify({ sid, secret }));
  },
  clear() {
    sessionStorage.removeItem(SESSION_KEY);
  },
};

/** Base64 of the UTF-8 bytes of {@code text}, as Basic authentication sends a user and password. */
function base64(text) {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}

export class Api {
  #authorization;

  /**
   * @param sid    an account SID (AC...) or an API key SID (SK...)
   * @param secret its auth token, or the key's secret
   * @param root   where /v1 lives: the console is served at <root>console/, so its parent
   */
  constructor(sid, secret, root = new URL('../', document.baseURI)) {
    this.sid = sid;
    this.root = root;
    this.#authorization = `Basic ${base64(`${sid}:${secret}`)}`;
  }

  /** The URL of an API path ("v1/IpRecords") with query parameters. */
  url(path, query = {}) {
    const url = new URL(path, this.root);
    for (const [name, value] of Object.entries(query)) {
      url.searchParams.set(name, String(value));
    }
    return url;
  }

  /**
   * A page URL the server gave (next_page_url, previous_page_url, url), followed as given when it is on this
   * origin. A public base URL naming another origin would take the credentials elsewhere: then its query (PageSize,
   * Page, PageToken) is asked of this origin's list instead.
   */
  pageUrl(given, listPath) {
    const url = new URL(given, this.root);
    if (url.origin === this.root.origin) {
      return url;
    }
    const own = this.url(listPath);
    own.search = url.search;
    return own;
  }

  get(url) {
    return this.#request('GET', url);
  }

  post(url, form) {
    return this.#request('POST', url, new URLSearchParams(form));
  }

  delete(url) {
    return this.#request('DELETE', url);
  }

  /** A sipmap extension's request with a body of its own type: a JSON batch, a CSV list. */
  send(url, body, type) {
    return this.#request('POST', url, new Blob([body], { type }));
  }

  async #request(method, url, body) {
    let response;
    try {
      response = await fetch(url, {
        method,
        body,
        headers: { Authorization: this.#authorization, Accept: 'application/json' },
        // no stored credentials and so no browser login prompt on a 401: the header above is the only credential
        credentials: 'omit',
        cache: 'no-store',
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (failure) {
      throw new ApiError(0, null, failure && failure.name === 'TimeoutError'
        ? `The server did not answer within ${TIMEOUT_MS / 1000} seconds.`
        : 'The server could not be reached.');
    }
    if (response.status === 204) {
      return null;
    }
    let json = null;
    try {
      json = await response.json();
    } catch {
      // not JSON: a proxy's error page, say
    }
    if (response.ok && json) {
      return json;
    }
    if (json && typeof json.message === 'string') {
      throw new ApiError(response.status, json.code ?? null, json.message, json.more_info ?? null);
    }
    throw new ApiError(response.status, null, `The server answered ${response.status} ${response.statusText}`.trim());
  }

  /** Every item of a list, read page by page (largest pages) following next_page_url. */
  async all(listPath, key) {
    const items = [];
    let url = this.url(listPath, { PageSize: MAX_PAGE_SIZE });
    while (url) {
      const page = await this.get(url);
      items.push(...page[key]);
      url = page.meta.next_page_url ? this.pageUrl(page.meta.next_page_url, listPath) : null;
    }
    return items;
  }
}
