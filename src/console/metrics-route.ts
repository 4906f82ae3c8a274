import type { FastifyInstance } from 'fastify';

/** What serves `/metrics`: the Prometheus text exposition (src/metrics' Metrics). */
export interface MetricsEndpoint {
  render(): Promise<{ contentType: string; body: string }>;
}

/**
 * `/metrics`, served without login (a Prometheus scraper has no session):
 * the running appliance's metrics, or those a read-only console reads from
 * its state directory.
 */
export function registerMetrics(app: FastifyInstance, metrics: MetricsEndpoint | undefined): void {
  if (metrics === undefined) return;
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  });
}
