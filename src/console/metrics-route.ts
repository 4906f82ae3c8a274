import type { FastifyInstance } from 'fastify';

/** What serves `/metrics`: the Prometheus text of the appliance's metrics. */
export interface MetricsSource {
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * The mount point of `/metrics`: served, without login (a Prometheus scraper
 * has no session), when the appliance hands the console a metrics source;
 * absent (404) otherwise.
 */
export function registerMetrics(app: FastifyInstance, metrics: MetricsSource | undefined): void {
  if (metrics === undefined) return;
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
