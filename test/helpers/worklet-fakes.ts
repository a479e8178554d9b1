// Stand-ins for the AudioWorklet globals, so the processors run in Node: a port that records what
// is posted and delivers messages to `onmessage`, and the processor base class that owns one.

export class FakePort {
  readonly posted: any[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
}

export class FakeProcessorBase {
  readonly port = new FakePort() as unknown as MessagePort & FakePort;
}
