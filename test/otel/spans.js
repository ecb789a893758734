// Spans from the real OpenTelemetry JavaScript SDK with the dpl.core.*
// attributes of Logboek Dataverwerkingen, exported by the OTLP/HTTP exporter
// (JSON encoding) to a tiny capture server on a loopback port.  Writes the
// body the exporter sent, byte for byte, to the file named by argv[2], and
// prints the ids of the spans it made as JSON on stdout.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const { trace, ROOT_CONTEXT, SpanStatusCode } = require('@opentelemetry/api');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');

const uit = process.argv[2];
if (!uit) {
  console.error('usage: node spans.js CAPTURE_FILE');
  process.exit(2);
}

const bodies = [];
const server = http.createServer((req, res) => {
  const delen = [];
  req.on('data', (d) => delen.push(d));
  req.on('end', () => {
    bodies.push({ path: req.url, type: req.headers['content-type'], body: Buffer.concat(delen) });
    // What an OTLP collector answers when it accepted everything.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{}');
  });
});

server.listen(0, '127.0.0.1', async () => {
  const port = server.address().port;
  const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'toeslagen-sdk-test', 'service.version': '1.0.0' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('verwerkingenlog-test', '1.0.0');
  const dpl = (subject) => ({
    'dpl.core.processing_activity_id': 'https://register.example.nl/va/toeslagen',
    'dpl.core.data_subject_id': subject,
    'dpl.core.data_subject_id_type': 'BSN',
  });

  const ouder = tracer.startSpan('Beoordelen aanvraag', { attributes: dpl('999001111') });
  const kind = tracer.startSpan('Opvragen inkomen', { attributes: dpl('999001111') },
    trace.setSpan(ROOT_CONTEXT, ouder));
  kind.setStatus({ code: SpanStatusCode.ERROR, message: 'bron niet bereikbaar' });
  kind.end();
  const partner = tracer.startSpan('Opvragen inkomen partner', { attributes: dpl('999002222') },
    trace.setSpan(ROOT_CONTEXT, ouder));
  partner.setStatus({ code: SpanStatusCode.OK });
  partner.end();
  ouder.end();

  await provider.forceFlush();
  await provider.shutdown();
  server.close();

  if (bodies.length === 0) {
    console.error('the exporter sent nothing');
    process.exit(1);
  }
  for (const b of bodies) {
    if (b.path !== '/v1/traces' || !String(b.type).startsWith('application/json')) {
      console.error(`unexpected request: ${b.path} ${b.type}`);
      process.exit(1);
    }
  }
  // One file per request the exporter made, as it sent them.
  bodies.forEach((b, i) => fs.writeFileSync(`${uit}.${i}`, b.body));
  const ids = (s) => ({ traceId: s.spanContext().traceId, spanId: s.spanContext().spanId });
  console.log(JSON.stringify({
    requests: bodies.length,
    ouder: ids(ouder), kind: ids(kind), partner: ids(partner),
  }));
});
