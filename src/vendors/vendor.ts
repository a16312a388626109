// The vendor module contract: everything taskhub knows about one vendor, exported by its folder's index.ts
// as one descriptor. Core code (config, the schema, the batch engine, the embedded default, metrics)
// iterates the registry's list of these (src/vendors/index.ts) and names no vendor; adding a vendor is
// one folder and one line there.

import type { Backend } from '../domain.js';
import type { BackendAdapter, ClientCommon } from './adapter.js';
import type { EmulatorServer } from './emulator-kit.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../schema/vendor-kit.js';
import type { TrafficPolicy } from '../transport/policy.js';
import type { ReadPolicy } from './concurrency.js';

/** Reads and checks environment variables; problems are collected and reported together by loadConfig. */
export interface EnvReader {
  /** The trimmed value, or undefined when unset or empty. */
  str(name: string): string | undefined;
  /** A whole number in [min, max], or `fallback` when unset (a bad value is reported). */
  int(name: string, fallback: number, min: number, max?: number): number;
  /** A value that must be set because `because` is (a missing one is reported). */
  need(name: string, because: string): string;
}

/** Every vendor's settings carry at least where it is. */
export interface VendorSettings { baseUrl: string }

/** What a configured vendor hands the text guard and the log scrubber. */
export interface VendorSecrets {
  /** Values never shown anywhere: passwords, client secrets, tokens. */
  secrets: string[];
  /** user:password pairs sent as HTTP Basic (their base64 form is scrubbed too). */
  basicPairs: Array<[string, string]>;
  /** Who taskhub is at the vendor (service account, client id): kept in logs, never shown to a client. */
  identities: string[];
}

export interface VendorSettingsSpec<S extends VendorSettings> {
  /** The variable that configures the vendor: set, the vendor is used; unset, it is not. */
  baseUrlVar: string;
  /**
   * What the base URL's path must be when `path` is not acceptable (completing "K2_BASE_URL must be …"), or
   * null when it is. The adapter appends the vendor's own paths, so a base that already carries one (`/v1/`)
   * would double them. Absent: any path.
   */
  basePathProblem?(path: string): string | null;
  /** The rest of the vendor's settings, once its base URL is known and valid. */
  read(env: EnvReader, baseUrl: string): S;
  secrets(settings: S): VendorSecrets;
}

export interface EmulatorOptions {
  host?: string;
  latencyMs?: number;
  /** Generated tasks added to the demo seed (benchmarks). */
  extraTasks?: number;
}

/** A running emulator: its server, and the settings that point taskhub at it with its demo credentials. */
export interface StartedEmulator<S extends VendorSettings> {
  server: EmulatorServer;
  settings: S;
  close(): Promise<void>;
}

/**
 * How a vendor treats writes: facts stated once, in the vendor's folder (its model.ts), that its adapter acts
 * on and core reads (the recovery of interrupted batches, the schema's descriptions of results).
 */
export interface WriteBehaviour {
  /**
   * False when a write must never be sent twice (actions that must not repeat): no retries, a lost reply is
   * OUTCOME_UNKNOWN, and an interrupted batch or job does not resend it. The adapter's `idempotentWrites`.
   */
  readonly idempotent: boolean;
  /**
   * Set when the vendor may take a write without confirming it (a TaskUpdateAccepted result): how, naming the
   * vendor ("Foo answering 202 without a body").
   */
  readonly unconfirmedWhen?: string;
  /**
   * Set when a task the vendor confirmed updating may no longer be readable (a TaskUpdated whose task is
   * null): which, naming the vendor ("a closed Foo ticket that left the queue").
   */
  readonly unreadableAfter?: string;
}

export interface VendorModule<
  S extends VendorSettings = VendorSettings, U = unknown, E extends StartedEmulator<S> = StartedEmulator<S>,
  B extends Backend = Backend, F extends string = string,
> {
  /** The `Backend` enum value, upper case letters, digits and `_`. */
  readonly backend: B;
  /** The `Backend` enum value's description. */
  readonly description: string;
  /**
   * The field of the `TaskUpdateInput` @oneOf that carries this vendor's update. Lower-cased, it equals the
   * backend without underscores, lower-cased (`fooBar` for FOO_BAR): the batch CLI, a GraphQL client that
   * reads only the SDL, pairs them by this rule, and the schema build checks it.
   */
  readonly inputField: F;
  /** What a task's native id is, in the vendor's words ("Foo ticket number"): `Task.nativeId` lists them. */
  readonly nativeIdName: string;
  readonly writes: WriteBehaviour;
  /**
   * The vendor's own defaults for its traffic policy, where its documented limits call for them (a
   * concurrency limit below taskhub's socket cap). `<BACKEND>_*` and `TASKHUB_*` variables still override them.
   */
  readonly traffic?: Readonly<Partial<TrafficPolicy & ReadPolicy>>;
  readonly settings: VendorSettingsSpec<S>;
  /** The task an update targets (its native id), known without configuration or a call. */
  nativeIdOf(update: U): string;
  createAdapter(settings: S, common: ClientCommon): BackendAdapter<U>;
  /** Registers the vendor's task type and update input (its schema.ts). */
  schema(kit: VendorSchemaKit): VendorSchemaParts<U>;
  /**
   * The vendor's documented behaviour as a real HTTP server with demo data (tests, the embedded default).
   * It imports its emulator (`await import('./emulator.js')`), so a server pointed at the real vendor never
   * loads the emulator's code (a start-up test reads every file the built server loads).
   */
  startEmulator(options: EmulatorOptions): Promise<E>;
}

/** A descriptor whose settings, update and emulator types the registry does not need to know. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the list holds modules of different types
export type AnyVendorModule = VendorModule<any, any, any, Backend, string>;

/** Checks the descriptor's types line up (settings, adapter update type, schema, emulator) and returns it. */
export const defineVendor = <S extends VendorSettings, U, E extends StartedEmulator<S>, const B extends Backend, const F extends string>(
  module: VendorModule<S, U, E, B, F>,
) => module;

/** The settings type of a vendor module. */
export type SettingsOf<M> = M extends VendorModule<infer S, any, any, any, any> ? S : never;
/** The emulator handle type of a vendor module. */
export type EmulatorOf<M> = M extends VendorModule<any, any, infer E, any, any> ? E : never;
