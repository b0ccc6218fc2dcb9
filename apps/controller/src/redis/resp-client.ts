import { connect, type Socket } from 'node:net';

export type RespReply = string | number | null | RespReply[];

export class RespError extends Error {
  readonly code = 'REDIS_REPLY_ERROR';
}

/**
 * A minimal Redis client (RESP2 over one TCP connection) for the
 * controller's run state: GET/SET/SADD/SMEMBERS/PING. libs/transport keeps
 * BullMQ and ioredis to itself and its port carries queue messages only, so
 * the controller's few key/value operations go through this instead of a
 * second Redis library. Commands fail fast while Redis is away (the caller
 * retries); the next command reconnects.
 */
export class RespClient {
  private socket: Socket | null = null;
  private connecting: Promise<Socket> | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly waiting: { resolve: (reply: RespReply) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 2_000,
  ) {}

  async command(...args: (string | number)[]): Promise<RespReply> {
    if (this.closed) throw new Error('Redis client closed');
    const socket = await this.connection();
    const parts = [`*${args.length}\r\n`];
    for (const arg of args) {
      const text = String(arg);
      parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
    }
    return new Promise<RespReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Redis did not answer ${String(args[0])} within ${this.timeoutMs} ms`));
        this.reset(new Error('Redis timed out'));
      }, this.timeoutMs);
      this.waiting.push({
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      socket.write(parts.join(''));
    });
  }

  close(): void {
    this.closed = true;
    this.reset(new Error('Redis client closed'));
  }

  private connection(): Promise<Socket> {
    if (this.socket !== null) return Promise.resolve(this.socket);
    this.connecting ??= new Promise<Socket>((resolve, reject) => {
      const target = new URL(this.url);
      const socket = connect({ host: target.hostname, port: Number(target.port || 6379) });
      socket.setNoDelay(true);
      const fail = (error: Error) => {
        this.connecting = null;
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`cannot reach Redis at ${this.url}`)), this.timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        fail(error);
      });
      socket.once('connect', async () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', (error) => this.reset(error));
        socket.on('close', () => this.reset(new Error('Redis connection closed')));
        socket.on('data', (chunk) => this.onData(chunk));
        this.socket = socket;
        this.connecting = null;
        resolve(socket);
      });
    });
    return this.connecting;
  }

  private reset(error: Error): void {
    const socket = this.socket;
    this.socket = null;
    this.buffer = Buffer.alloc(0);
    socket?.destroy();
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseReply(this.buffer, 0);
      if (parsed === undefined) return;
      this.buffer = this.buffer.subarray(parsed.end);
      const waiter = this.waiting.shift();
      if (parsed.error !== undefined) waiter?.reject(new RespError(parsed.error));
      else waiter?.resolve(parsed.value);
    }
  }
}

interface Parsed {
  value: RespReply;
  error?: string;
  end: number;
}

function parseReply(buffer: Buffer, start: number): Parsed | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const head = buffer.toString('utf8', start, lineEnd);
  const rest = head.slice(1);
  const next = lineEnd + 2;
  switch (head[0]) {
    case '+':
      return { value: rest, end: next };
    case '-':
      return { value: null, error: rest, end: next };
    case ':':
      return { value: Number(rest), end: next };
    case '$': {
      const length = Number(rest);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(rest);
      if (count < 0) return { value: null, end: next };
      const items: RespReply[] = [];
      let offset = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buffer, offset);
        if (item === undefined) return undefined;
        items.push(item.value);
        offset = item.end;
      }
      return { value: items, end: offset };
    }
    default:
      throw new RespError(`unexpected Redis reply ${JSON.stringify(head)}`);
  }
}
