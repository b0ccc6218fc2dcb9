import { createServer, type IncomingMessage, type Server } from 'node:http';
import { renderJson } from '@migsim/report';
import { sampleFlagshipReport } from '@migsim/report/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, EXIT_CHECK_FAILED, EXIT_OK } from '../cli-error';
import type { CommandContext } from '../command-context';
import { runRun } from './run';

const TOKEN = 'k3y-0f-the-c0ntr0ller_2025';
const FLAGSHIP = new URL('../../../../scenarios/failed-migration-recovery.yaml', import.meta.url).pathname;

/** A controller that, like one started with MIGSIM_API_TOKEN, refuses POST /runs without the token; it records what it was sent. */
async function controllerWithToken(): Promise<{ url: string; server: Server; submissions: { authorization: string | undefined }[] }> {
  const submissions: { authorization: string | undefined }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    request.resume();
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'POST' && request.url?.startsWith('/runs?')) {
      submissions.push({ authorization: request.headers.authorization });
      if (request.headers.authorization !== `Bearer ${TOKEN}`) {
        return json(401, { statusCode: 401, error: 'unauthorized', message: "POST /runs needs the controller's API token: send Authorization: Bearer <MIGSIM_API_TOKEN>" }, { 'www-authenticate': 'Bearer realm="migsim"' });
      }
      return json(201, { id: 'run-1', status: 'running' });
    }
    if (request.url === '/runs/run-1') return json(200, { id: 'run-1', status: 'completed', error: null, simulatedMs: null });
    if (request.url === '/runs/run-1/report') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end(renderJson(sampleFlagshipReport()));
    }
    json(404, { statusCode: 404 });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, submissions };
}

function context(args: string[]): CommandContext & { out: () => string } {
  let out = '';
  const stream = { write: (chunk: string) => ((out += chunk), true), isTTY: false } as unknown as NodeJS.WriteStream;
  return { args, stdout: stream, stderr: { write: () => true } as unknown as NodeJS.WriteStream, out: () => out };
}

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) await new Promise((closed) => server.close(closed));
});

describe('migsim run against a controller that needs an API token', () => {
  it('run: sends MIGSIM_API_TOKEN from its environment as a bearer token, and the run goes through', async () => {
    const controller = await controllerWithToken();
    servers.push(controller.server);
    vi.stubEnv('MIGSIM_API_TOKEN', TOKEN);
    const ctx = context([FLAGSHIP, '--controller', controller.url]);
    expect(await runRun(ctx)).toBe(sampleFlagshipReport().summary.checks.failed > 0 ? EXIT_CHECK_FAILED : EXIT_OK);
    expect(controller.submissions).toEqual([{ authorization: `Bearer ${TOKEN}` }]);
    expect(ctx.out()).toContain('Recovery comparison');
  });

  it('run: without MIGSIM_API_TOKEN it sends no Authorization header, and the 401 says to set it', async () => {
    const controller = await controllerWithToken();
    servers.push(controller.server);
    vi.stubEnv('MIGSIM_API_TOKEN', '');
    const refused = runRun(context([FLAGSHIP, '--controller', controller.url]));
    await expect(refused).rejects.toThrow(CliError);
    await expect(refused).rejects.toThrow(`migsim run: ${controller.url} refused the run: POST /runs needs the controller's API token: send Authorization: Bearer <MIGSIM_API_TOKEN>; set MIGSIM_API_TOKEN to the controller's token`);
    expect(controller.submissions).toEqual([{ authorization: undefined }]);
  });

  it('run: a MIGSIM_API_TOKEN the controller refuses is reported as not the controller\'s', async () => {
    const controller = await controllerWithToken();
    servers.push(controller.server);
    vi.stubEnv('MIGSIM_API_TOKEN', `${TOKEN}-old`);
    await expect(runRun(context([FLAGSHIP, '--controller', controller.url]))).rejects.toThrow(/; MIGSIM_API_TOKEN here is not the controller's$/);
  });
});
