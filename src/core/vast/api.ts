import type { OfferQuery } from './offer-query.js';
import type { Charge, CreateRequest, Instance, LogsRequest, Offer, User } from './types.js';

/**
 * What the rest of vastdeck needs from Vast.ai. VastClient (client.ts) implements it over HTTP;
 * tests may implement it in memory. Every method throws a VastError (errors.ts) on failure.
 */
export interface VastApi {
  /** Search offers (`POST /api/v0/bundles/`). */
  searchOffers(query: OfferQuery): Promise<Offer[]>;
  /** Every instance of the account, all pages. Never an empty list on a bad answer: that throws. */
  listInstances(): Promise<Instance[]>;
  /** One instance; throws a not_found VastError when Vast answers `{"instances": null}`. */
  showInstance(id: number): Promise<Instance>;
  /** Rent an offer. Not idempotent: callers reconcile before retrying (see ops/provision). */
  createInstance(offerId: number, req: CreateRequest): Promise<{ instanceId: number }>;
  destroyInstance(id: number): Promise<void>;
  labelInstance(id: number, label: string): Promise<void>;
  stopInstance(id: number): Promise<void>;
  startInstance(id: number): Promise<void>;
  rebootInstance(id: number): Promise<void>;
  /** Change an interruptible instance's bid; optional (in-memory test APIs may leave it out). */
  changeBid?(id: number, price: number): Promise<void>;
  /** The logs flow: request_logs, then poll result_url (no auth header) until it answers 200. */
  getLogs(id: number, req?: LogsRequest): Promise<string>;
  /** Account env vars (secrets). Values are secrets: callers mask them. */
  listEnvVars(): Promise<Record<string, string>>;
  createEnvVar(key: string, value: string): Promise<void>;
  updateEnvVar(key: string, value: string): Promise<void>;
  deleteEnvVar(key: string): Promise<void>;
  currentUser(): Promise<User>;
  /** Charges between two epoch-ms instants. */
  charges(fromMs: number, toMs: number): Promise<Charge[]>;
  gpuNames(): Promise<string[]>;
  /** The API's clock minus the local clock, ms, when known (HTTP Date header); ages of remote timestamps use it. */
  clockOffsetMs?(): number | null;
}
