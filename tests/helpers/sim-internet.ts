// A simulated internet on one machine, for the NAT traversal tests (docs/networks.md): five
// network namespaces, nothing of which reaches beyond the machine.
//
//   host LAN 10.0.1.2 ── host NAT (198.51.100.2) ──┐
//                                                  public 192.0.2.1 (coturn, signaling)
//   guest LAN 10.0.2.2 ─ guest NAT (203.0.113.2) ──┘
//
// The public namespace routes between the two NATs' WAN sides (the "internet") and holds the
// services' address 192.0.2.1. Each NAT masquerades its LAN with nftables: port-preserving (Linux
// keeps the source port when it can, so one socket keeps one public port whatever it talks to:
// endpoint-independent mapping) or `fully-random` (a new random port per destination: symmetric).
// Inbound traffic passes only on a mapping the inside made (address- and port-restricted).
// A firewall variant drops UDP from the guest LAN to the internet (TCP only). The kernel has no
// netem here: there are no delays or losses.
//
// Every namespace is held by a `sleep` whose parent-death signal is KILL, and every process
// started in one by spawn() gets the same: when this process ends, however it ends, they all go,
// and the namespaces with them. stop() does it at once. Needs root, ip, nft, unshare, nsenter and
// setpriv (iproute2, nftables, util-linux).
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';

/** How a NAT maps: port-preserving (endpoint-independent) or port-randomizing (symmetric). */
export type NatKind = 'preserving' | 'random';

/** What the networks of one test look like. */
export interface SimVariant {
  hostNat: NatKind;
  guestNat: NatKind;
  /** The guest's network drops UDP to the internet: only TCP goes out. */
  guestUdpBlocked?: boolean;
}

/** The variants of the tests (docs/networks.md). */
export const VARIANTS = {
  /** Both behind port-preserving NATs: STUN is enough for a direct connection. */
  cone: { hostNat: 'preserving', guestNat: 'preserving' },
  /** The guest behind a port-randomizing NAT: only a TURN relay connects them. */
  'guest-symmetric': { hostNat: 'preserving', guestNat: 'random' },
  /** The guest's network lets only TCP out: TURN over TCP. */
  'guest-udp-blocked': { hostNat: 'preserving', guestNat: 'preserving', guestUdpBlocked: true },
  /** Both behind port-randomizing NATs. */
  'both-symmetric': { hostNat: 'random', guestNat: 'random' },
} as const satisfies Record<string, SimVariant>;

/** The namespaces. */
export type SimNs = 'public' | 'host-nat' | 'host' | 'guest-nat' | 'guest';
const NAMESPACES: SimNs[] = ['public', 'host-nat', 'host', 'guest-nat', 'guest'];

/** Addresses (IPv4) in the simulated internet. */
export const SIM_ADDRESSES = {
  /** The public services' address (coturn, signaling), in the public namespace. */
  public: '192.0.2.1',
  hostNatWan: '198.51.100.2',
  guestNatWan: '203.0.113.2',
  host: '10.0.1.2',
  guest: '10.0.2.2',
} as const;

/** A started simulated internet. */
export interface SimInternet {
  /** The variant the NATs are set to now. */
  readonly variant: SimVariant;
  /**
   * Sets the NATs to `variant` in place: the namespaces and the processes in them stay. Flows
   * that exist keep the mapping they had (a new socket's flows get the new one), so tests that
   * share one simulated internet each open new connections.
   */
  setVariant(variant: SimVariant): void;
  readonly addresses: typeof SIM_ADDRESSES;
  /** Runs a command in namespace `ns` to its end; throws with its stderr when it fails. */
  run(ns: SimNs, cmd: string, args?: string[], input?: string): string;
  /** Starts a process in namespace `ns`; it is killed by stop(), or when this process ends. */
  spawn(ns: SimNs, cmd: string, args?: string[], options?: SpawnOptions): ChildProcess;
  /** Kills every process started in it and removes the namespaces. Idempotent. */
  stop(): Promise<void>;
}

const TOOLS = ['ip', 'nft', 'unshare', 'nsenter', 'setpriv', 'sleep'];

/** Why a simulated internet cannot start here (not root, a tool missing); null when it can. */
export function simInternetMissing(): string | null {
  if (process.getuid?.() !== 0) return 'the simulated internet needs root (network namespaces)';
  const missing = TOOLS.filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length > 0) {
    return `missing ${missing.join(', ')} (apt-get install -y iproute2 nftables util-linux)`;
  }
  return null;
}

/** Starts the networks of `variant`; on any failure, removes what it made and throws. */
export async function startSimInternet(variant: SimVariant): Promise<SimInternet> {
  const missing = simInternetMissing();
  if (missing) throw new Error(missing);
  const holders = new Map<SimNs, ChildProcess>();
  const children = new Set<ChildProcess>();
  let stopped = false;
  let current = variant;

  const nsPath = (ns: SimNs) => `/proc/${holders.get(ns)?.pid}/ns/net`;
  const run = (ns: SimNs, cmd: string, args: string[] = [], input?: string): string => {
    const r = spawnSync('nsenter', [`--net=${nsPath(ns)}`, '--', cmd, ...args], {
      encoding: 'utf8',
      input,
      timeout: 10_000,
    });
    if (r.status !== 0) {
      throw new Error(`[${ns}] ${cmd} ${args.join(' ')}: ${(r.stderr || r.error?.message) ?? ''}`);
    }
    return r.stdout;
  };
  const spawnIn = (
    ns: SimNs,
    cmd: string,
    args: string[] = [],
    options: SpawnOptions = {},
  ): ChildProcess => {
    if (stopped) throw new Error('the simulated internet was stopped');
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', '--', 'nsenter', `--net=${nsPath(ns)}`, '--', cmd, ...args],
      options,
    );
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const all = [...children, ...holders.values()];
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  };

  try {
    for (const ns of NAMESPACES) {
      const holder = spawn(
        'setpriv',
        ['--pdeathsig', 'KILL', '--', 'unshare', '--net', '--', 'sleep', 'infinity'],
        { stdio: 'ignore' },
      );
      holders.set(ns, holder);
      await new Promise<void>((resolve, reject) => {
        holder.once('error', reject);
        holder.once('spawn', () => resolve());
      });
    }
    // The holder execs unshare, which unshares and execs sleep: wait until its namespace differs.
    const own = spawnSync('readlink', ['/proc/self/ns/net'], { encoding: 'utf8' }).stdout;
    for (const [ns, h] of holders) {
      const end = Date.now() + 5000;
      for (;;) {
        const r = spawnSync('readlink', [`/proc/${h.pid}/ns/net`], { encoding: 'utf8' });
        const comm = spawnSync('cat', [`/proc/${h.pid}/comm`], { encoding: 'utf8' }).stdout;
        if (r.status === 0 && r.stdout !== own && comm.trim() === 'sleep') break;
        if (Date.now() > end) throw new Error(`namespace ${ns} did not start`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const pid = (ns: SimNs) => String(holders.get(ns)?.pid);
    for (const ns of NAMESPACES) {
      run(ns, 'ip', ['link', 'set', 'lo', 'up']);
      // Forwarding and no reverse-path filter, so the public side routes between the NATs.
      run(ns, 'sh', [
        '-c',
        'echo 1 > /proc/sys/net/ipv4/ip_forward; ' +
          'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done',
      ]);
    }
    const link = (a: SimNs, aName: string, b: SimNs, bName: string) =>
      run(a, 'ip', ['link', 'add', aName, 'type', 'veth', 'peer', 'name', bName, 'netns', pid(b)]);
    const addr = (ns: SimNs, dev: string, cidr: string) => {
      run(ns, 'ip', ['addr', 'add', cidr, 'dev', dev]);
      run(ns, 'ip', ['link', 'set', dev, 'up']);
    };
    link('public', 'to-host', 'host-nat', 'wan');
    link('public', 'to-guest', 'guest-nat', 'wan');
    link('host-nat', 'lan', 'host', 'eth0');
    link('guest-nat', 'lan', 'guest', 'eth0');
    run('public', 'ip', ['addr', 'add', `${SIM_ADDRESSES.public}/32`, 'dev', 'lo']);
    // What the internet does not route (a LAN's private address) goes nowhere, quietly, as on the
    // real one; with no route at all, a send to it would fail at once, and coturn closes the
    // allocation of a client whose relay send fails.
    // (A veth whose other end, in the same namespace, drops frames for a MAC address not its own.)
    run('public', 'ip', ['link', 'add', 'nowhere', 'type', 'veth', 'peer', 'name', 'void']);
    run('public', 'ip', ['link', 'set', 'nowhere', 'up']);
    run('public', 'ip', ['link', 'set', 'void', 'up']);
    run('public', 'ip', [
      'neigh',
      'add',
      '192.0.2.254',
      'lladdr',
      '02:00:00:00:00:01',
      'dev',
      'nowhere',
      'nud',
      'permanent',
    ]);
    run('public', 'ip', [
      'route',
      'add',
      'default',
      'via',
      '192.0.2.254',
      'dev',
      'nowhere',
      'onlink',
    ]);
    addr('public', 'to-host', '198.51.100.1/24');
    addr('public', 'to-guest', '203.0.113.1/24');
    addr('host-nat', 'wan', `${SIM_ADDRESSES.hostNatWan}/24`);
    addr('guest-nat', 'wan', `${SIM_ADDRESSES.guestNatWan}/24`);
    addr('host-nat', 'lan', '10.0.1.1/24');
    addr('guest-nat', 'lan', '10.0.2.1/24');
    addr('host', 'eth0', `${SIM_ADDRESSES.host}/24`);
    addr('guest', 'eth0', `${SIM_ADDRESSES.guest}/24`);
    run('host-nat', 'ip', ['route', 'add', 'default', 'via', '198.51.100.1']);
    run('guest-nat', 'ip', ['route', 'add', 'default', 'via', '203.0.113.1']);
    run('host', 'ip', ['route', 'add', 'default', 'via', '10.0.1.1']);
    run('guest', 'ip', ['route', 'add', 'default', 'via', '10.0.2.1']);
    setNats(variant);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    get variant() {
      return current;
    },
    setVariant: setNats,
    addresses: SIM_ADDRESSES,
    run,
    spawn: spawnIn,
    stop,
  };

  function setNats(v: SimVariant): void {
    run('host-nat', 'nft', ['-f', '-'], `flush ruleset\n${natRules(v.hostNat, false)}`);
    run(
      'guest-nat',
      'nft',
      ['-f', '-'],
      `flush ruleset\n${natRules(v.guestNat, v.guestUdpBlocked)}`,
    );
    current = v;
  }
}

/**
 * A NAT's nftables rules: masquerade what leaves by `wan`, let in only what answers a mapping,
 * and (`udpBlocked`) drop UDP from the LAN to the internet. Unsolicited packets from the internet
 * are dropped in `input`, before conntrack confirms an entry for them, as a home router's firewall
 * does: otherwise a peer's first hole-punching packet, arriving before ours left, would hold the
 * reply tuple of the mapping our packet needs, and the NAT would give ours another port.
 */
function natRules(kind: NatKind, udpBlocked = false): string {
  return `
table ip nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "wan" masquerade${kind === 'random' ? ' fully-random' : ''}
  }
}
table inet filter {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan" ct state new drop
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ct state established,related accept
    ${udpBlocked ? 'iifname "lan" oifname "wan" meta l4proto udp drop' : ''}
    iifname "lan" oifname "wan" accept
  }
}
`;
}
