/**
 * A TCP proxy in front of a real server (PostgreSQL in the outage tests) that a test can cut and restore,
 * so the shared server is never stopped:
 *
 * - `cut()`: every open connection is dropped and new ones are refused (ECONNREFUSED), like a stopped server;
 * - `hang()`: connections stay open but nothing is forwarded any more, like a hung server or a dead network path;
 * - `restore()`: forwards again on the same port (held connections are dropped, as a real recovery would).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

type Mode = 'up' | 'hang' | 'down';

export class CuttableTcpProxy {
  readonly port: number;
  readonly #targetPort: number;
  readonly #targetHost: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #mode: Mode = 'up';

  private constructor(server: Server, port: number, targetHost: string, targetPort: number) {
    this.#server = server;
    this.port = port;
    this.#targetHost = targetHost;
    this.#targetPort = targetPort;
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `targetHost:targetPort`. */
  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableTcpProxy> {
    let proxy: CuttableTcpProxy | undefined;
    const server = createServer((client) => proxy!.#accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new CuttableTcpProxy(server, (server.address() as { port: number }).port, targetHost, targetPort);
    return proxy;
  }

  get mode(): Mode {
    return this.#mode;
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  #accept(client: Socket): void {
    this.#track(client);
    if (this.#mode !== 'up') return; // 'hang': held open, never answered ('down' never gets here: not listening)
    const upstream = connect(this.#targetPort, this.#targetHost);
    this.#track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    this.#mode = 'down';
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#destroyAll();
    await closed;
  }

  /** Keeps connections open but forwards nothing, in either direction. */
  hang(): void {
    this.#mode = 'hang';
    for (const socket of this.#sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Forwards again, on the same port. */
  async restore(): Promise<void> {
    const wasDown = this.#mode === 'down';
    this.#destroyAll();
    this.#mode = 'up';
    if (wasDown) {
      await new Promise<void>((resolve, reject) => {
        this.#server.once('error', reject);
        this.#server.listen(this.port, '127.0.0.1', () => resolve());
      });
    }
  }

  async close(): Promise<void> {
    this.#destroyAll();
    if (this.#server.listening) await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}
