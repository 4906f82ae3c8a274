import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1: answers each POST with the next status of `statuses` (the last one repeats); 0 never answers. */
export class WebhookReceiver {
  private constructor(private readonly server: Server, readonly requests: ReceivedRequest[]) {}

  static async start(statuses: number[] = [200]): Promise<WebhookReceiver> {
    const requests: ReceivedRequest[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => {
        const status = statuses[Math.min(requests.length, statuses.length - 1)] ?? 200;
        requests.push({ headers: req.headers, body });
        if (status !== 0) res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookReceiver(server, requests);
  }

  get url(): string {
    return `http://127.0.0.1:${String((this.server.address() as AddressInfo).port)}/hook`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => { this.server.close(() => { resolve(); }); this.server.closeAllConnections(); });
  }
}
