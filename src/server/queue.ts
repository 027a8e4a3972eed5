/**
 * A bounded FIFO in front of the single engine instance: jobs run one at a time, in arrival order; at
 * most `capacity` jobs wait behind the running one, and a job beyond that is refused at once
 * (QueueFullError → HTTP 503) instead of piling up in memory. `drain()` resolves when nothing runs or
 * waits (graceful shutdown).
 */

export class QueueFullError extends Error {
  constructor(readonly capacity: number) {
    super(`the server is busy (${capacity} requests already waiting)`);
  }
}

interface Job<T> {
  run: () => Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
}

export class BoundedQueue {
  private waiting: Job<any>[] = [];
  private running = false;
  private idle: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!(capacity >= 0) || !Number.isInteger(capacity)) throw new Error(`queue capacity must be a whole number ≥ 0 (got ${capacity})`);
  }

  /** Jobs waiting (not counting the one running). */
  get pending(): number {
    return this.waiting.length;
  }

  /** Jobs waiting plus the one running. */
  get depth(): number {
    return this.waiting.length + (this.running ? 1 : 0);
  }

  get busy(): boolean {
    return this.running;
  }

  /** Run `fn` when its turn comes; throws QueueFullError at once when `capacity` jobs already wait. */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.running && this.waiting.length >= this.capacity) return Promise.reject(new QueueFullError(this.capacity));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ run: async () => fn(), resolve, reject });
      if (!this.running) void this.next();
    });
  }

  private async next(): Promise<void> {
    const job = this.waiting.shift();
    if (!job) {
      this.running = false;
      for (const f of this.idle.splice(0)) f();
      return;
    }
    this.running = true;
    let result: { ok: true; value: unknown } | { ok: false; error: unknown };
    try {
      result = { ok: true, value: await job.run() };
    } catch (error) {
      result = { ok: false, error };
    }
    // nothing waits: idle now, so a caller that awaited this job finds the queue free
    if (!this.waiting.length) {
      this.running = false;
      for (const f of this.idle.splice(0)) f();
    } else {
      // the next job starts after pending I/O: the finished response goes out, health checks are
      // answered, and requests beyond the bound are refused now rather than left in the socket's backlog
      setImmediate(() => void this.next());
    }
    if (result.ok) job.resolve(result.value);
    else job.reject(result.error);
  }

  /** Resolves when no job runs or waits. */
  drain(): Promise<void> {
    if (!this.running && !this.waiting.length) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}
