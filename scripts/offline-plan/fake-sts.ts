/**
 * A local stand-in for STS GetCallerIdentity, so the AWS provider learns an
 * account id without the network and still enforces allowed_account_ids.
 * The account is the first path segment of the endpoint URL. The IAM
 * endpoint points here too, so the provider's first try (iam:GetUser) is
 * refused locally; any other call is refused and recorded: a plan should not
 * need one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSts {
  endpoint(account: string): string;
  /** Requests other than GetCallerIdentity, as "<path> <body>". */
  readonly unexpected: string[];
  close(): Promise<void>;
}

export async function startFakeSts(): Promise<FakeSts> {
  const unexpected: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const account = /^\/(\d{12})\//.exec(req.url ?? '')?.[1];
      if (!account || !/Action=GetCallerIdentity/.test(body)) {
        // iam:GetUser is the provider's first try at the account id; it falls back to STS when refused.
        if (!/Action=GetUser&/.test(`${body}&`)) unexpected.push(`${req.method} ${req.url} ${body.slice(0, 200)}`);
        res.writeHead(400, { 'Content-Type': 'text/xml' });
        res.end('<ErrorResponse><Error><Type>Sender</Type><Code>OfflinePlan</Code><Message>no AWS API is reachable during an offline plan</Message></Error></ErrorResponse>');
        return;
      }
      // The STS query-protocol response (STS API reference, GetCallerIdentity).
      const xml = [
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
        `<GetCallerIdentityResult><Arn>arn:aws:sts::${account}:assumed-role/offline-plan/offline-plan</Arn>`,
        `<UserId>AROA2OFFLINEPLANSTUB1:offline-plan</UserId><Account>${account}</Account></GetCallerIdentityResult>`,
        '<ResponseMetadata><RequestId>0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9</RequestId></ResponseMetadata>',
        '</GetCallerIdentityResponse>',
      ].join('');
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: (account) => `http://127.0.0.1:${port}/${account}/`,
    unexpected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
