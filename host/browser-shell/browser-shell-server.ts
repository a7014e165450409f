import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import {
  type AppInfo,
  DESKTOP_CHANNELS,
  DESKTOP_EVENT_CHANNELS,
  type DesktopApi,
  type FileState,
  isDesktopChannel,
} from '../../protocol/desktop-api';
import type { PairbookError } from '../../protocol/errors';
import type { NotebookSession } from '../session/notebook-session';
import { contentSecurityPolicy } from './content-security-policy';
import { createBrowserDesktopHandlers } from './desktop-handlers';
import { SharingController } from '../shell/sharing-controller';
import { WebSocketTransport } from './websocket-transport';
import { hostUserName } from '../session/host-user-name';
import { contentTypeOf } from '../shell/content-types';

/** Options of a BrowserShellServer. */
export interface BrowserShellOptions {
  /** Folder holding the bundled renderer (index.html, app.js, ...). */
  distDir: string;
  /** TCP port, exactly (0 picks a free one); default the first free of DEFAULT_PORTS. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Access token; default 32 random bytes, hex. */
  token?: string;
  /** Pairbook's version for AppInfo. */
  version: string;
}

/**
 * Ports tried in turn when none is given, then any free one. What the page keeps in its storage
 * (theme, name, the last Jupyter server) belongs to its origin, port included: a port that stays
 * the same from one run to the next keeps it. Jupyter does the same from 8888.
 */
export const DEFAULT_PORTS = [...Array.from({ length: 20 }, (_, i) => 8777 + i), 0];

/** Path of the WebSocket endpoint that carries hub messages. */
export const HUB_PATH = '/hub';
/** Path of the page a browser guest opens: the browser form of invite links. */
export const JOIN_PATH = '/join';
/** Bundle files anyone may fetch (the guest page needs them; they hold no notebook data). */
const PUBLIC_ASSET = /^\/(app\.(js|css)(\.map)?|chunks\/[\w.-]+\.(js|css)(\.map)?|fonts\/[\w.-]+)$/;
/** Largest DesktopApi call body accepted, in bytes. */
const MAX_CALL_BODY_BYTES = 64 * 1024;

/**
 * Serves one NotebookSession to a browser: the bundled renderer, the DesktopApi over HTTP and the
 * hub messages over a WebSocket at HUB_PATH. Nothing is served without the token, given as
 * `?token=` or as the cookie the page receives with it.
 */
export class BrowserShellServer {
  /** The secret every request must carry. */
  readonly token: string;
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 * 1024 });
  private readonly transports = new Set<WebSocketTransport>();
  private readonly handlers: DesktopApi;
  private fileState: FileState;
  private started: Promise<string> | null = null;
  private stopped: Promise<void> | null = null;
  private origin = '';
  private readonly unsubscribe: (() => void)[] = [];
  /** Sharing of this session, started by the page's Share dialog. */
  readonly sharing: SharingController;

  constructor(
    private readonly session: NotebookSession,
    private readonly options: BrowserShellOptions,
  ) {
    this.token = options.token ?? randomBytes(32).toString('hex');
    const info: AppInfo = {
      shell: 'browser',
      version: options.version,
      notebookPath: session.path,
      notebookName: session.name,
      userName: hostUserName(),
    };
    this.sharing = new SharingController(session, {
      listenHost: options.host ?? '127.0.0.1',
      webBase: () => this.origin || null,
      push: (state) => {
        for (const t of this.transports) {
          t.sendShellMessage({ channel: DESKTOP_EVENT_CHANNELS.sharing, value: state });
        }
      },
    });
    this.handlers = createBrowserDesktopHandlers(info, this.sharing.api());
    this.fileState = { dirty: session.dirty, savedAt: null, error: null };
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        console.error('pairbook serve: request failed', e);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
  }

  /** The page's address with its token, once started. */
  get url(): string {
    return `${this.origin}/?token=${this.token}`;
  }

  /** Starts listening; resolves to the URL to open. Memoized. */
  start(): Promise<string> {
    this.started ??= (async () => {
      const ports = this.options.port === undefined ? DEFAULT_PORTS : [this.options.port];
      for (const [i, port] of ports.entries()) {
        try {
          await this.listen(port);
          break;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i === ports.length - 1) throw e;
        }
      }
      const { port, address, family } = this.http.address() as AddressInfo;
      const host = family === 'IPv6' ? `[${address}]` : address;
      this.origin = `http://${host}:${port}`;
      this.watchSession();
      return this.url;
    })();
    return this.started;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, this.options.host ?? '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  /** Closes every client connection and stops listening. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.unsubscribe.forEach((off) => off());
      void this.sharing.stop();
      for (const t of this.transports) t.close('the host stopped serving this notebook');
      this.wss.close();
      this.http.closeAllConnections();
      this.http.close(() => resolve());
    });
    return this.stopped;
  }

  private watchSession(): void {
    const push = (change: Partial<FileState>) => {
      this.fileState = { ...this.fileState, ...change };
      for (const t of this.transports) this.sendFileState(t);
    };
    const onDirty = () => push({ dirty: true });
    const onSaved = () => push({ dirty: false, savedAt: Date.now(), error: null });
    const onFailed = (e: PairbookError) => push({ error: e.message });
    this.session.on('dirty', onDirty);
    this.session.on('saved', onSaved);
    this.session.on('save-failed', onFailed);
    this.unsubscribe.push(() => {
      this.session.off('dirty', onDirty);
      this.session.off('saved', onSaved);
      this.session.off('save-failed', onFailed);
    });
  }

  private sendFileState(t: WebSocketTransport): void {
    // A save that found nothing to write leaves `dirty` stale in the event stream; ask the session.
    const state = { ...this.fileState, dirty: this.session.dirty };
    t.sendShellMessage({ channel: DESKTOP_EVENT_CHANNELS['file-state'], value: state });
  }

  private hasToken(req: IncomingMessage): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const given = url.searchParams.get('token') ?? this.cookieToken(req);
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private cookieName(): string {
    return `pairbook-token-${(this.http.address() as AddressInfo).port}`;
  }

  private cookieToken(req: IncomingMessage): string | null {
    const name = this.cookieName();
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name) return v.join('=');
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    const { pathname: path } = new URL(req.url ?? '/', 'http://localhost');
    // A browser guest has no token: the invite secret in the link's fragment (never sent here)
    // authenticates it over WebRTC. Only the page and the bundle are public, never the notebook.
    if ((req.method === 'GET' || req.method === 'HEAD') && path === JOIN_PATH) {
      return this.sendFile(req, res, 'index.html', 'guest');
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && PUBLIC_ASSET.test(path)) {
      return this.sendFile(req, res, path.slice(1), 'public');
    }
    if (!this.hasToken(req)) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('403: open the address `pairbook serve` printed, with its ?token=\n');
      return;
    }
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname.startsWith('/api/')) return this.call(req, res, pathname.slice(5));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const file = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    return this.sendFile(req, res, file, 'host');
  }

  private async sendFile(
    req: IncomingMessage,
    res: ServerResponse,
    file: string,
    page: 'host' | 'guest' | 'public',
  ): Promise<void> {
    const full = normalize(join(this.options.distDir, file));
    if (!full.startsWith(normalize(this.options.distDir + sep)) || file.startsWith('.')) {
      res.writeHead(404).end();
      return;
    }
    const body = await readFile(full).catch(() => null);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': contentTypeOf(full),
    };
    if (file === 'index.html' && page === 'guest') {
      // The guest reaches whatever signaling servers its link names (the fragment, unseen here).
      headers['Content-Security-Policy'] = contentSecurityPolicy(this.origin, ['ws:', 'wss:']);
      headers['X-Frame-Options'] = 'DENY';
    } else if (file === 'index.html') {
      headers['Content-Security-Policy'] = contentSecurityPolicy(this.origin);
      headers['X-Frame-Options'] = 'DENY';
      headers['Set-Cookie'] =
        `${this.cookieName()}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  // POST /api/<channel> with a JSON array of arguments; answers the method's Result as JSON.
  private async call(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST' || !isDesktopChannel(channel)) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_CALL_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(chunk);
    }
    let args: unknown;
    try {
      args = JSON.parse(Buffer.concat(chunks).toString('utf8') || '[]');
    } catch {
      args = null;
    }
    if (!Array.isArray(args)) {
      res.writeHead(400).end();
      return;
    }
    const method = (Object.keys(DESKTOP_CHANNELS) as (keyof DesktopApi)[]).find(
      (k) => DESKTOP_CHANNELS[k] === channel,
    ) as keyof DesktopApi;
    const fn = this.handlers[method] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn(...args);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(result));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    // A page from another origin must not reach the hub even if it learnt the token.
    const sameOrigin = !req.headers.origin || req.headers.origin === this.origin;
    if (!this.hasToken(req) || !sameOrigin || pathname !== HUB_PATH) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = new WebSocketTransport(ws);
      this.transports.add(transport);
      transport.onClose(() => this.transports.delete(transport));
      this.sendFileState(transport);
      transport.sendShellMessage({
        channel: DESKTOP_EVENT_CHANNELS.sharing,
        value: this.sharing.state(),
      });
      // The browser shell is the host's own window: its runs are the host user's.
      this.session.attach(transport, { name: hostUserName() });
    });
  }
}
