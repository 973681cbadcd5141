/**
 * zod 4 schemas for every Vast.ai answer. Objects use zod's default strip mode (never passthrough:
 * it costs ~15× on big lists, ENGINEERING.md rule 5). Vast is sloppy, so nearly every field is
 * nullish; units.ts decides what a missing value means. Envelopes and rows are separate schemas so a
 * list can be checked row by row. Each schema is built on its first use (core/util/lazy.ts): a command pays for the two
 * or three it checks, not for all of them at start.
 */
import * as z from 'zod';
import { lazy } from '../util/lazy.js';

/** The nullish field types every row schema shares, built once with the first row schema. */
const makeFields = () => ({
  num: z.number().nullish(),
  str: z.string().nullish(),
  bool: z.boolean().nullish(),
  /** Some booleans arrive as 0/1 (has_avx); accept both. */
  flag: z.union([z.boolean(), z.number()]).nullish(),
});
let shared: ReturnType<typeof makeFields> | undefined;
const fields = () => (shared ??= makeFields());

/** One offer row of `POST /api/v0/bundles/`. */
export const WireOffer = lazy(() => {
  const f = fields();
  return z.object({
    id: z.number(),
    machine_id: f.num,
    host_id: f.num,
    gpu_name: f.str,
    num_gpus: f.num,
    gpu_ram: f.num,
    gpu_total_ram: f.num,
    cpu_ram: f.num,
    cpu_cores: f.num,
    cpu_cores_effective: f.num,
    cpu_name: f.str,
    disk_space: f.num,
    disk_bw: f.num,
    inet_down: f.num,
    inet_up: f.num,
    reliability: f.num,
    reliability2: f.num,
    dph_total: f.num,
    dph_base: f.num,
    min_bid: f.num,
    storage_cost: f.num,
    dlperf: f.num,
    dlperf_per_dphtotal: f.num,
    total_flops: f.num,
    cuda_max_good: f.num,
    compute_cap: f.num,
    driver_version: f.str,
    geolocation: f.str,
    verification: f.str,
    verified: f.flag,
    duration: f.num,
    direct_port_count: f.num,
    pcie_bw: f.num,
    score: f.num,
  });
});
/** A validated wire offer. */
export type WireOffer = z.infer<typeof WireOffer>;

/** The envelope of `POST /api/v0/bundles/`; rows are checked one by one with WireOffer. */
export const OffersResponse = lazy(() => z.object({ offers: z.array(z.unknown()) }));

/** One instance row, as in `GET /api/v1/instances/` and `GET /api/v0/instances/{id}/`. */
export const WireInstance = lazy(() => {
  const f = fields();
  const PortBinding = z.object({ HostIp: f.str, HostPort: z.union([z.string(), z.number()]).nullish() });
  return z.object({
    id: z.number(),
    label: f.str,
    actual_status: f.str,
    intended_status: f.str,
    status_msg: f.str,
    machine_id: f.num,
    host_id: f.num,
    gpu_name: f.str,
    num_gpus: f.num,
    gpu_ram: f.num,
    gpu_util: f.num,
    gpu_temp: f.num,
    cpu_ram: f.num,
    cpu_cores: f.num,
    cpu_cores_effective: f.num,
    cpu_util: f.num,
    disk_space: f.num,
    disk_usage: f.num,
    inet_down: f.num,
    inet_up: f.num,
    reliability: f.num,
    reliability2: f.num,
    dph_total: f.num,
    storage_total_cost: f.num,
    is_bid: f.flag,
    min_bid: f.num,
    image_uuid: f.str,
    cuda_max_good: f.num,
    driver_version: f.str,
    geolocation: f.str,
    verification: f.str,
    /** A list of [key, value] pairs on the wire; an object form is tolerated. Values are dropped in units.ts. */
    extra_env: z.union([z.array(z.array(z.unknown())), z.record(z.string(), z.unknown())]).nullish(),
    ssh_host: f.str,
    ssh_port: f.num,
    public_ipaddr: f.str,
    /** Object form per the CLI; one docs page shows a list of ints, which carries no host ports and is ignored. */
    ports: z.union([z.record(z.string(), z.array(PortBinding).nullish()), z.array(z.unknown())]).nullish(),
    image_runtype: f.str,
    start_date: f.num,
  });
});
/** A validated wire instance. */
export type WireInstance = z.infer<typeof WireInstance>;

/** One page of `GET /api/v1/instances/`. */
export const InstancesPage = lazy(() =>
  z.object({
    instances: z.array(z.unknown()),
    next_token: z.string().nullish(),
    total_instances: z.number().nullish(),
  }),
);

/** `GET /api/v0/instances/{id}/`: one object, or null when gone. */
export const ShowInstanceResponse = lazy(() => z.object({ instances: z.unknown() }));

/** `PUT /api/v0/asks/{id}/`. instance_api_key is deliberately not kept. */
export const CreateResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, new_contract: z.number() });
});

/** Any action answer (`{success, msg}`); a 200 with success:false is a refusal. */
export const ActionResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, msg: f.str, error: f.str });
});

/** `POST /api/v0/auth/apikeys/`: a new (scoped) key. */
export const ApiKeyCreated = lazy(() => z.object({ id: z.number().int(), key: z.string().min(16) }));

/** `PUT /api/v0/instances/request_logs/{id}/`. */
export const LogsResponse = lazy(() => {
  const f = fields();
  return z.object({ success: f.bool, result_url: z.string(), msg: f.str });
});

/** `GET /api/v0/secrets/`: values in clear text. */
export const SecretsResponse = lazy(() =>
  z.object({
    secrets: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable()),
  }),
);

/** `GET /api/v0/users/current`. Strip mode drops api_key and everything else not listed. */
export const WireUser = lazy(() => {
  const f = fields();
  return z.object({
    id: z.number(),
    username: f.str,
    email: f.str,
    credit: f.num,
    balance: f.num,
  });
});
/** A validated wire user. */
export type WireUser = z.infer<typeof WireUser>;

/** One page of `GET /api/v0/charges/`. */
export const ChargesPage = lazy(() => z.object({ results: z.array(z.unknown()), next_token: z.string().nullish() }));

/** One charge row. */
export const WireCharge = lazy(() => {
  const f = fields();
  return z.object({
    start: z.number(),
    end: z.number(),
    type: f.str,
    source: f.str,
    description: f.str,
    amount: z.number(),
  });
});
/** A validated wire charge. */
export type WireCharge = z.infer<typeof WireCharge>;

/** `GET /api/v0/gpu_names/unique/`. */
export const GpuNamesResponse = lazy(() => z.object({ gpu_names: z.array(z.string()) }));
