import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIPv4, type AddressInfo } from 'node:net';
import type { FirmwareTarget, Site } from '../inventory/index.js';
import type { Logger } from '../log/index.js';

/** `--firmware-http ADDR:PORT`: where onramp serves images; ADDR is also the address switches are told to fetch from. */
export interface ImageServerAddress {
  host: string;
  port: number;
}

/** `ADDR:PORT` with ADDR an IPv4 address switches can reach (not 0.0.0.0: it goes into the URL), or why not. */
export function parseImageServerAddress(text: string): ImageServerAddress | string {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1];
  const port = Number(match?.[2]);
  if (host === undefined || !isIPv4(host) || !Number.isInteger(port) || port < 0 || port > 65535) {
    return `${JSON.stringify(text)}: expected ADDR:PORT, ADDR an IPv4 address of this appliance that switches reach`;
  }
  if (host === '0.0.0.0') return `${JSON.stringify(text)}: 0.0.0.0 cannot be put in a URL; name the address switches reach`;
  return { host, port };
}

/** The one path a site's image of a model is served under; site, model and file names are all safe names. */
function imagePath(site: string, target: FirmwareTarget): string | undefined {
  return target.image.kind === 'file' ? `/firmware/${site}/${target.model}/${target.image.name}` : undefined;
}

/**
 * A read-only HTTP server for the images sites keep in their folders. It
 * serves exactly the files the sites name, each under one fixed path: the
 * request's path is looked up as a whole, never joined to a directory, so
 * nothing else on the disk can be reached. GET and HEAD only.
 */
export class ImageServer {
  private routes = new Map<string, string>();

  private constructor(private readonly server: Server, private address: ImageServerAddress, private readonly logger: Logger) {
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((err: unknown) => {
        logger.warn({ err }, 'image request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      });
    });
  }

  static async start(address: ImageServerAddress, logger: Logger): Promise<ImageServer> {
    const server = createServer();
    const instance = new ImageServer(server, address, logger);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: address.host, port: address.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    instance.address = { host: address.host, port: (server.address() as AddressInfo).port };
    logger.info({ host: address.host, port: instance.port }, `serving firmware images on http://${address.host}:${String(instance.port)}/firmware/`);
    return instance;
  }

  /** Serves the file images of these sites from now on (and no other file). */
  publish(sites: readonly Pick<Site, 'name' | 'firmware'>[]): void {
    const routes = new Map<string, string>();
    for (const site of sites) {
      for (const target of site.firmware) {
        const path = imagePath(site.name, target);
        if (path !== undefined && target.image.kind === 'file') routes.set(path, target.image.path);
      }
    }
    this.routes = routes;
  }

  /** The URL a switch fetches a site's image of a model from. */
  urlOf(site: string, target: FirmwareTarget): string | undefined {
    const path = imagePath(site, target);
    return path === undefined ? undefined : `http://${this.address.host}:${String(this.address.port)}${path}`;
  }

  get port(): number {
    return this.address.port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => {
        resolve();
      });
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = (request.url ?? '').split('?')[0] ?? '';
    const file = this.routes.get(path);
    if (file === undefined) {
      this.logger.debug({ path: path.slice(0, 200), from: request.socket.remoteAddress }, 'image request for a path onramp does not serve');
      response.writeHead(404).end();
      return;
    }
    const size = (await stat(file)).size;
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    this.logger.info({ path, from: request.socket.remoteAddress, bytes: size }, `serving ${path}`);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }
}
