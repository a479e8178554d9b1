// Simulated-time calls against the demo server's /phone endpoint: the server (its PhoneBridge and
// built-in local session) and the carrier simulators share one VirtualClock. Time moves only when
// every message has been handled: after the timers due at one instant run, the harness waits
// until two ping round trips on every carrier socket pass with no message either way (a message
// sent from a microtask after a pong still arrives before the next one).
import { fileURLToPath } from 'node:url';
import type WebSocket from 'ws';
import { startDemoServer, type DemoServer, type DemoServerOptions } from '../../src/server/demo-server.js';
import type { PhoneBridge, PhoneBridgeEvent } from '../../src/transport/phone-bridge.js';
import { CarrierSim, type CarrierSimOptions } from './carrier-sim.js';
import { VirtualClock } from './virtual-clock.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface PhoneCall {
  sim: CarrierSim;
  bridge: PhoneBridge;
  events: PhoneBridgeEvent[];
}

export class PhoneHarness {
  readonly clock = new VirtualClock();
  server!: DemoServer;
  readonly calls: PhoneCall[] = [];
  readonly logs: string[] = [];
  private pendingBridges: PhoneBridge[] = [];
  private readonly eventsOf = new Map<PhoneBridge, PhoneBridgeEvent[]>();
  /** Keep the bridges' events (off for long runs). */
  keepEvents = true;
  /** Called with each bridge event. */
  onEvent?: (bridge: PhoneBridge, event: PhoneBridgeEvent) => void;

  static async start(options: Partial<DemoServerOptions> = {}, keepLogs = false): Promise<PhoneHarness> {
    const h = new PhoneHarness();
    const phone = options.phone ?? {};
    h.server = await startDemoServer({
      port: 0,
      root,
      ...options,
      log: keepLogs ? (line) => h.logs.push(line) : undefined,
      phone: {
        ...phone,
        clock: h.clock,
        onEvent: (bridge, event) => {
          if (h.keepEvents) h.eventsOf.get(bridge)?.push(event);
          h.onEvent?.(bridge, event);
        },
        onCall: (bridge) => {
          h.pendingBridges.push(bridge);
          h.eventsOf.set(bridge, []);
        },
      },
    });
    return h;
  }

  /** Opens a call: the simulator connects, the server makes its bridge. */
  async call(options: Omit<CarrierSimOptions, 'url' | 'clock'>): Promise<PhoneCall> {
    const sim = await CarrierSim.connect({ ...options, url: `ws://127.0.0.1:${this.server.port}/phone`, clock: this.clock });
    await this.settle([sim]);
    const bridge = this.pendingBridges.shift();
    if (bridge === undefined) throw new Error('the server made no bridge');
    const call = { sim, bridge, events: this.eventsOf.get(bridge)! };
    this.calls.push(call);
    return call;
  }

  /** Waits until no message moves on any open call. */
  async settle(sims: CarrierSim[] = this.calls.map((c) => c.sim)): Promise<void> {
    const open = sims.filter((s) => !s.closed);
    let quiet = 0;
    while (quiet < 2) {
      const before = count(open);
      await Promise.all(open.filter((s) => !s.closed).map((s) => ping(s.socket)));
      quiet = count(open) === before ? quiet + 1 : 0;
    }
  }

  /** Runs virtual time to `t`, settling after each instant at which timers ran. */
  async runUntil(t: number): Promise<void> {
    while (this.clock.nextDue() <= t) {
      this.clock.advanceTo(this.clock.nextDue());
      await this.settle();
    }
    this.clock.advanceTo(t);
  }

  async close(): Promise<void> {
    for (const c of this.calls) if (!c.sim.closed) c.sim.socket.close();
    await this.server?.close();
  }
}

function count(sims: CarrierSim[]): number {
  let n = 0;
  for (const s of sims) n += s.sent + s.received;
  return n;
}

function ping(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState !== 1) return resolve();
    const done = () => {
      socket.off('pong', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('pong', done);
    socket.on('close', done);
    socket.ping();
  });
}
