/**
 * A local stand-in for SNS on 127.0.0.1, speaking the Query protocol the SDK uses for SNS: it
 * records each request and answers Publish with a PublishResponse, or with a scripted error so
 * that tests can watch the SDK's real retries. Shared by the handler tests and `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The form-encoded body, decoded: `Action`, `TopicArn`, `MessageAttributes.entry.1.Name`, ... */
  readonly params: Readonly<Record<string, string>>;
}

/** How to answer one request. Throttling is a 400 the SDK retries; the others are 5xx. */
export type FakeSnsReply = 'ok' | 'throttling' | 'unavailable' | 'internal-error';

export interface FakeSnsServer {
  readonly endpoint: string;
  readonly requests: readonly RecordedRequest[];
  /** Answers for the next requests, in order; once used up, every request gets 'ok'. */
  enqueue(...replies: FakeSnsReply[]): void;
  close(): Promise<void>;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

const ERRORS: Record<Exclude<FakeSnsReply, 'ok'>, { status: number; type: string; code: string }> = {
  throttling: { status: 400, type: 'Sender', code: 'Throttling' },
  unavailable: { status: 503, type: 'Receiver', code: 'ServiceUnavailable' },
  'internal-error': { status: 500, type: 'Receiver', code: 'InternalError' },
};

function errorXml(type: string, code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code>` +
    `<Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  response.end(xml);
}

export async function startFakeSnsServer(): Promise<FakeSnsServer> {
  const requests: RecordedRequest[] = [];
  const queue: FakeSnsReply[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const params = Object.fromEntries(new URLSearchParams(body));
      requests.push({ method: request.method ?? '', headers: request.headers, params });
      if (params.Action !== 'Publish') {
        reply(response, 400, errorXml('Sender', 'InvalidAction', `Unsupported action ${params.Action}`));
        return;
      }
      const next = queue.shift() ?? 'ok';
      if (next !== 'ok') {
        const error = ERRORS[next];
        return reply(response, error.status, errorXml(error.type, error.code, `fake SNS: ${next}`));
      }
      reply(
        response,
        200,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The SDK keeps connections alive; without this, close() waits for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
