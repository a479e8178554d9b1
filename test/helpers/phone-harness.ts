// Simulated-time calls against the demo server's /phone endpoint: the server (its PhoneBridge and
// built-in local session) and the carrier simulators share one VirtualClock. Time moves only when
// every message has been handled: after the timers due at one instant run, the harness waits
// until every message each simulator sent has reached its bridge and every message each bridge
// sent has reached its simulator (the local session is linked by microtasks, done by then).
import { fileURLToPath } from 'node:url';
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
  /** Called with each event between a bridge and its local session (`out`: to the session). */
  onSessionEvent?: (bridge: PhoneBridge, direction: 'in' | 'out', event: Record<string, unknown>) => void;

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
        onSessionEvent: (bridge, direction, event) => h.onSessionEvent?.(bridge, direction, event),
        onCall: (bridge) => {
          h.pendingBridges.push(bridge);
          h.eventsOf.set(bridge, []);
        },
      },
    });
    return h;
  }

  private streams = 0;

  /** Opens a call: the simulator connects and starts its stream (a fresh streamSid), the server makes its bridge. */
  async call(options: Omit<CarrierSimOptions, 'url' | 'clock'>): Promise<PhoneCall> {
    const streamSid = options.streamSid ?? `MZ${String(++this.streams).padStart(32, '0')}`;
    const sim = await CarrierSim.connect({ ...options, streamSid, url: `ws://127.0.0.1:${this.server.port}/phone`, clock: this.clock });
    const mine = (b: PhoneBridge) => b.streamSid === streamSid;
    while (!this.pendingBridges.some(mine)) await new Promise((resolve) => setImmediate(resolve));
    const bridge = this.pendingBridges.find(mine)!;
    this.pendingBridges.splice(this.pendingBridges.indexOf(bridge), 1);
    const call = { sim, bridge, events: this.eventsOf.get(bridge)! };
    this.calls.push(call);
    await this.settle();
    return call;
  }

  /** Drops ended calls from the harness (their simulators closed). */
  forget(calls: PhoneCall[]): void {
    for (const call of calls) {
      const at = this.calls.indexOf(call);
      if (at >= 0) this.calls.splice(at, 1);
      this.eventsOf.delete(call.bridge);
    }
  }

  /** Waits until no message is on its way on any open call. */
  async settle(): Promise<void> {
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      this.profile.rounds++;
      let moving = false;
      for (const { sim, bridge } of this.calls) {
        if (sim.closed) continue;
        const m = bridge.carrierMessages;
        if (m.received !== sim.sent || m.sent !== sim.received) {
          moving = true;
          break;
        }
      }
      if (!moving) return;
    }
  }

  /** Runs virtual time to `t`, settling after each instant at which timers ran. */
  readonly profile = { instants: 0, rounds: 0, advanceMs: 0, settleMs: 0 };

  async runUntil(t: number): Promise<void> {
    while (this.clock.nextDue() <= t) {
      const a = performance.now();
      this.clock.advanceTo(this.clock.nextDue());
      const b = performance.now();
      await this.settle();
      this.profile.instants++;
      this.profile.advanceMs += b - a;
      this.profile.settleMs += performance.now() - b;
    }
    this.clock.advanceTo(t);
  }

  async close(): Promise<void> {
    for (const c of this.calls) if (!c.sim.closed) c.sim.socket.close();
    await this.server?.close();
  }
}
