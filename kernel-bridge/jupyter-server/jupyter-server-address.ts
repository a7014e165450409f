import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';
import { kernelError } from '../kernel-error';

/** Where a Jupyter server (or a JupyterHub user server) is, and its token. */
export interface JupyterServerAddress {
  /** The server's base URL, ending in "/", e.g. `http://127.0.0.1:8888/`. */
  baseUrl: string;
  /** The server's token; empty for a server that asks for none. */
  token: string;
}

// The pages a Jupyter server prints or a browser shows, under the server's base URL.
const PAGE_PATH = /\/(lab|tree|notebooks|edit|doc)(\/.*)?$/;

/**
 * Reads the address of a Jupyter server as people copy it: the link the server prints
 * (`http://127.0.0.1:8888/lab?token=…`), a base URL, or a JupyterHub user server
 * (`https://hub.example.org/user/ada/`). The token comes from the link, else `fallbackToken`
 * (e.g. $JUPYTER_TOKEN). Throws a PairbookError (kernel-server-error) saying what is wrong.
 */
export function parseJupyterServerAddress(text: string, fallbackToken = ''): JupyterServerAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw kernelError(
      'kernel-server-error',
      `"${text}" is not a Jupyter server address — give its URL, e.g. http://127.0.0.1:8888/?token=…`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw kernelError(
      'kernel-server-error',
      `a Jupyter server address starts with http:// or https://, not ${url.protocol}//`,
    );
  }
  const token = url.searchParams.get('token') ?? fallbackToken;
  const path = url.pathname.replace(PAGE_PATH, '').replace(/\/*$/, '/');
  return { baseUrl: `${url.origin}${path}`, token };
}

/** The address as people may see it: host and path, never the token. */
export function describeJupyterServer(address: JupyterServerAddress): string {
  const url = new URL(address.baseUrl);
  return `${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`;
}

/**
 * What went wrong talking to the server at `address`, for people to read: a library's message
 * may quote a URL, which carries the token (appendToken), so the token is cut out.
 */
export function serverProblem(address: JupyterServerAddress, e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return address.token ? text.replaceAll(address.token, '…') : text;
}

/** @jupyterlab/services settings for `address`, with Node's WebSocket. */
export function jupyterServerSettings(address: JupyterServerAddress): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: address.baseUrl,
    token: address.token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
}
